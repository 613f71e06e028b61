/**
 * A zod issue as a reply may say it: where and what, in zod's own words, except the one
 * message that quotes the caller (an unknown key's name).
 */
export function issueText(issue: { code: string; path: PropertyKey[]; message: string }): string {
  const what = issue.code === "unrecognized_keys" ? "unknown field" : issue.message;
  return `${issue.path.map(String).join(".") || "body"}: ${what}`;
}
