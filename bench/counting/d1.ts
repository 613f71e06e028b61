// A D1 binding that counts what it is asked to do: round trips, statements, and the rows read
// and written as D1 itself reports them in each result's `meta`. Used by `npm run bench` and by
// test/store/rows-written.test.ts, so both count the same way.

export interface D1Tally {
  d1RoundTrips: number;
  d1Statements: number;
  d1RowsRead: number;
  d1RowsWritten: number;
}

type Meta = { rows_read?: number; rows_written?: number };

class CountingStatement {
  constructor(
    readonly inner: D1PreparedStatement,
    private readonly tally: D1Tally,
  ) {}
  bind(...values: unknown[]) {
    return new CountingStatement(this.inner.bind(...values), this.tally);
  }
  async all() {
    this.tally.d1RoundTrips++;
    this.tally.d1Statements++;
    const result = await this.inner.all();
    addMeta(this.tally, result.meta);
    return result;
  }
  async run() {
    return this.all();
  }
  // D1's first() runs the whole statement too; all() is used so its meta can be read.
  async first(column?: string) {
    const row = (await this.all()).results[0] as Record<string, unknown> | undefined;
    if (!row) return null;
    return column === undefined ? row : row[column];
  }
  async raw(options?: { columnNames?: boolean }) {
    this.tally.d1RoundTrips++;
    this.tally.d1Statements++;
    return this.inner.raw(options as never);
  }
}

function addMeta(tally: D1Tally, meta: Meta | undefined): void {
  tally.d1RowsRead += meta?.rows_read ?? 0;
  tally.d1RowsWritten += meta?.rows_written ?? 0;
}

/** `db`, counting into `tally` (read its fields at any time; they only grow). */
export function countingD1(db: D1Database, tally: D1Tally): D1Database {
  const wrapped = {
    prepare: (sql: string) => new CountingStatement(db.prepare(sql), tally),
    async batch(statements: CountingStatement[]) {
      tally.d1RoundTrips++;
      tally.d1Statements += statements.length;
      const results = await db.batch(statements.map((s) => s.inner));
      for (const r of results) addMeta(tally, r.meta);
      return results;
    },
    async exec(sql: string) {
      tally.d1RoundTrips++;
      tally.d1Statements++;
      return db.exec(sql);
    },
    dump: () => db.dump(),
    withSession: () => wrapped,
  };
  return wrapped as unknown as D1Database;
}
