export function splitSqlStatements(sql: string): string[];
