/** Splits a schema file into statements: drops `--` comments, splits on `;` at line ends. */
export function splitSqlStatements(sql) {
  return sql
    .split("\n")
    .map((line) => line.replace(/--.*$/, ""))
    .join("\n")
    .split(/;\s*(?:\n|$)/)
    .map((s) => s.trim())
    .filter(Boolean);
}
