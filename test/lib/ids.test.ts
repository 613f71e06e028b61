import { describe, expect, it } from "vitest";
import { checkGaClientId } from "../../src/lib/ga-client-id";
import { fillIdTemplate, idTemplateProblem } from "../../src/lib/id-template";

const VALUES = { order_id: "3001", order_number: "000003001", kind: "purchase" };
const ALLOWED = ["order_id", "order_number", "kind"];
const IDENTIFYING = ["order_id", "order_number"];

describe("id templates", () => {
  it.each([
    ["{order_id}", "3001"],
    ["{order_number}", "000003001"],
    ["{kind}-{order_number}-{order_id}", "purchase-000003001-3001"],
    ["order {order_id} / {order_id}", "order 3001 / 3001"],
  ])("fills %s as %s", (template, id) => {
    expect(fillIdTemplate(template, VALUES)).toBe(id);
  });

  it.each<[string, string | undefined]>([
    ["{order_id}", undefined],
    ["shop-{order_number}", undefined],
    ["{kind}-{order_id}", undefined],
    ["{transaction}", "{transaction} is not a placeholder; use {order_id}, {order_number}, {kind}"],
    ["{Order_Id}", "{Order_Id} is not a placeholder; use {order_id}, {order_number}, {kind}"],
    ["{order_id", "a brace without its pair"],
    ["{order_id}}", "a brace without its pair"],
    ["{kind}", "needs {order_id} or {order_number}, or every order gets the same id"],
    ["purchase", "needs {order_id} or {order_number}, or every order gets the same id"],
  ])("checks %s", (template, problem) => {
    expect(idTemplateProblem(template, ALLOWED, IDENTIFYING)).toBe(problem);
  });
});

describe("GA4 client ids", () => {
  const notGa4 = { ok: false, reason: "captured value is not two positive integers joined by a period" };
  it.each<[string | undefined, object]>([
    ["1234567890.1700000000", { ok: true, value: "1234567890.1700000000" }],
    ["7.1", { ok: true, value: "7.1" }],
    [undefined, { ok: false, reason: "none captured" }],
    ["", { ok: false, reason: "none captured" }],
    ["GA1.1.1234567890.1700000000", notGa4],
    ["0.1700000000", notGa4],
    ["1234567890.0", notGa4],
    ["1234567890", notGa4],
    ["1234567890.1700000000.5", notGa4],
    ["-123.456", notGa4],
    [" 1234567890.1700000000", notGa4],
    ["amp-1A2b3C", notGa4],
    ["123456789012345678901.1", notGa4],
  ])("%s", (captured, expected) => {
    expect(checkGaClientId(captured)).toEqual(expected);
  });
});
