import { type ValidationError, XMLParser, XMLValidator } from "fast-xml-parser";
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

/** Longer than any tag Shopify writes (a name and a `type="…"` or `nil="true"`), far shorter than a body. */
export const MAX_TAG_LENGTH = 4096;

const LT = 60;
const GT = 62;
const SLASH = 47;
const BANG = 33;
const QUESTION = 63;
const DOUBLE_QUOTE = 34;
const SINGLE_QUOTE = 39;

type Refused = { ok: false; reason: string };
const refused = (why: string): Refused => ({ ok: false, reason: `malformed XML: ${why}` });

export type XmlShape = { ok: true; depth: number } | Refused;
type Markup = { ok: true; kind: "open" | "close" | "other"; end: number } | Refused;

/**
 * Index just past the `>` that closes the tag opened at `start`, skipping quoted attribute
 * values. XML allows no `<` anywhere inside a tag, so one ends the search as the bound does.
 */
function tagEnd(text: string, start: number): number | Refused {
  const stop = Math.min(text.length, start + MAX_TAG_LENGTH);
  let quote = 0;
  for (let i = start + 1; i < stop; i++) {
    const c = text.charCodeAt(i);
    if (c === LT) return refused("'<' inside a tag");
    if (quote !== 0) {
      if (c === quote) quote = 0;
    } else if (c === DOUBLE_QUOTE || c === SINGLE_QUOTE) quote = c;
    else if (c === GT) return i + 1;
  }
  return refused(stop < text.length ? `a tag longer than ${MAX_TAG_LENGTH} characters` : "unterminated tag");
}

/** Index just past `terminator`: comments and CDATA have no length bound, they are read once. */
function sectionEnd(text: string, from: number, terminator: string, name: string): number | Refused {
  const at = text.indexOf(terminator, from);
  return at === -1 ? refused(`unterminated ${name}`) : at + terminator.length;
}

/** A `<!`: a comment or a CDATA section; any other declaration belongs in a DTD, refused anyway. */
function readDeclaration(text: string, start: number): Markup {
  let end: number | Refused;
  if (text.startsWith("<!--", start)) end = sectionEnd(text, start + 4, "-->", "comment");
  else if (text.startsWith("<![CDATA[", start)) end = sectionEnd(text, start + 9, "]]>", "CDATA section");
  else return refused("markup declaration");
  return typeof end === "number" ? { ok: true, kind: "other", end } : end;
}

/** What starts at the `<` at `start`, and the index just past it. */
function readMarkup(text: string, start: number): Markup {
  const next = text.charCodeAt(start + 1);
  if (next === BANG) return readDeclaration(text, start);
  const end = tagEnd(text, start);
  if (typeof end !== "number") return end;
  if (next === SLASH) return { ok: true, kind: "close", end };
  const selfClosing = text.charCodeAt(end - 2) === SLASH;
  return { ok: true, kind: next === QUESTION || selfClosing ? "other" : "open", end };
}

/**
 * Element nesting depth, in one forward pass: the search for the next `<` resumes where
 * the last tag, comment or CDATA section ended, so no character is read twice. Refuses
 * nesting past `limit`, tags past MAX_TAG_LENGTH and anything left unterminated.
 */
export function xmlDepth(text: string, limit = MAX_JSON_DEPTH): XmlShape {
  let depth = 0;
  let max = 0;
  for (let i = text.indexOf("<"); i !== -1; ) {
    const markup = readMarkup(text, i);
    if (!markup.ok) return markup;
    if (markup.kind === "close") depth--;
    else if (markup.kind === "open" && ++depth > max) max = depth;
    if (max > limit) return { ok: false, reason: "nested too deep" };
    i = text.indexOf("<", markup.end);
  }
  return { ok: true, depth: max };
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

/** The validator's code and line, never its message: that quotes tag and attribute names. */
function validationReason(error: ValidationError): string {
  const { code, line, col } = error.err;
  return `malformed XML: ${code} at line ${line}${col ? `, column ${col}` : ""}`;
}

/** Parses a Shopify XML webhook body into the same object its JSON format would give. */
export function parseRailsXml(text: string): ParseResult {
  if (/<!DOCTYPE|<!ENTITY/i.test(text)) return { ok: false, reason: "XML with a DOCTYPE is not accepted" };
  const shape = xmlDepth(text);
  if (!shape.ok) return shape;
  const valid = XMLValidator.validate(text);
  if (valid !== true) return { ok: false, reason: validationReason(valid) };
  let doc: Record<string, XmlNode>;
  try {
    doc = parser.parse(text) as Record<string, XmlNode>;
  } catch {
    // Its messages quote the input too.
    return { ok: false, reason: "malformed XML" };
  }
  const roots = Object.keys(doc).filter((key) => !key.startsWith("?"));
  if (roots.length !== 1) return { ok: false, reason: "malformed XML: expected one root element" };
  return { ok: true, value: toJsonShape(doc[roots[0]]) };
}
