import { XMLParser } from "fast-xml-parser";
import { MAX_JSON_DEPTH, type ParseResult } from "./json";

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: "@_",
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: true,
  processEntities: true,
});

type XmlNode = string | { [key: string]: XmlNode | XmlNode[] } | XmlNode[];

/** Element nesting depth, counted without parsing. */
export function xmlDepth(text: string, limit = MAX_JSON_DEPTH): number {
  let depth = 0;
  let max = 0;
  for (let i = text.indexOf("<"); i !== -1; i = text.indexOf("<", i + 1)) {
    const next = text[i + 1];
    if (next === "/") depth--;
    else if (next !== "?" && next !== "!") {
      const end = text.indexOf(">", i);
      if (end === -1) break;
      if (text[end - 1] !== "/" && ++depth > max) max = depth;
      if (max > limit) return max;
    }
  }
  return max;
}

/**
 * Rails-style XML, as Shopify sends when a webhook's format is XML, turned into the shape
 * of the JSON payload: dashed names → underscores, `type="array"` → arrays,
 * `nil="true"` → null, `type="boolean"` → booleans. Numbers stay as text (lossless).
 */
function toJsonShape(node: XmlNode | XmlNode[] | undefined): unknown {
  if (node === undefined || typeof node === "string") return node ?? "";
  if (Array.isArray(node)) return node.map(toJsonShape);
  if (node["@_nil"] === "true") return null;
  const type = node["@_type"];
  if (type === "array") {
    const children = Object.entries(node).filter(([key]) => !key.startsWith("@_"));
    return children.flatMap(([, value]) => (Array.isArray(value) ? value : [value]).map(toJsonShape));
  }
  if ("#text" in node) {
    const value = node["#text"] as string;
    if (type === "boolean") return value === "true";
    return value;
  }
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(node)) {
    if (key.startsWith("@_")) continue;
    out[key.replaceAll("-", "_")] = toJsonShape(value);
  }
  return out;
}

/** Parses a Shopify XML webhook body into the same object its JSON format would give. */
export function parseRailsXml(text: string): ParseResult {
  if (/<!DOCTYPE|<!ENTITY/i.test(text)) return { ok: false, reason: "XML with a DOCTYPE is not accepted" };
  if (xmlDepth(text) > MAX_JSON_DEPTH) return { ok: false, reason: "nested too deep" };
  let doc: Record<string, XmlNode>;
  try {
    doc = parser.parse(text, true) as Record<string, XmlNode>;
  } catch (error) {
    return { ok: false, reason: `malformed XML: ${(error as Error).message.slice(0, 80)}` };
  }
  const roots = Object.keys(doc).filter((key) => !key.startsWith("?"));
  if (roots.length !== 1) return { ok: false, reason: "malformed XML: expected one root element" };
  return { ok: true, value: toJsonShape(doc[roots[0]]) };
}
