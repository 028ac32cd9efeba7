import { sql } from 'drizzle-orm';
import { expect, it } from 'vitest';
import { describeEachBackend } from '../../test/backends.js';
import { instantFromPostgres } from './instant.js';
import { rows } from './rows.js';

/** What PostgreSQL writes for an instant, read back exactly, whatever the session's time zone. */
describeEachBackend("an instant in PostgreSQL's text", (backend) => {
  const instants: [stored: string, read: string][] = [
    ['0001-01-01T00:00:00Z', '0001-01-01T00:00:00.000Z'],
    ['0050-06-01T00:00:00Z', '0050-06-01T00:00:00.000Z'],
    ['0099-12-31T23:59:59.999Z', '0099-12-31T23:59:59.999Z'],
    ['2026-11-11T00:00:00.123+08:00', '2026-11-10T16:00:00.123Z'],
    ['9999-12-31T23:59:59.999Z', '9999-12-31T23:59:59.999Z'],
    // Not accepted through the API, but a row written by hand must not break the read.
    ['0044-03-15 12:00:00+00 BC', '-000043-03-15T12:00:00.000Z'],
    ['infinity', '+275760-09-13T00:00:00.000Z'],
    ['-infinity', '-271821-04-20T00:00:00.000Z'],
  ];

  // Asia/Shanghai and America/New_York print the years before standard time with their local mean time's offset, to the second (+08:05:43).
  for (const zone of ['UTC', 'Asia/Shanghai', 'America/New_York']) {
    it(`reads the years 0001–9999, BC and infinity exactly in the time zone ${zone}`, async () => {
      const read = await backend().db.transaction(async (tx) => {
        await tx.execute(sql.raw(`set local time zone '${zone}'`));
        const texts = await rows<{ at: string | Date }>(tx, sql`select at from (values ${sql.join(instants.map(([stored], n) => sql`(${n}::int, ${stored}::timestamptz)`), sql`, `)}) as t(n, at) order by n`);
        return texts.map((r) => instantFromPostgres(r.at).toISOString());
      });
      expect(read).toEqual(instants.map(([, expected]) => expected));
    });
  }
});
