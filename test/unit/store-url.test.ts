import { describe, expect, it } from 'vitest';
import { absoluteStoreUrl, loggableStoreUrl, shellArg } from '../../cli/store-url.ts';

describe('store URLs in the start log', () => {
  it('never show a PostgreSQL password, and say so when one was left out', () => {
    expect(loggableStoreUrl('postgres://okienko:s3cret@db.ratusz:5432/okienko')).toEqual({ url: 'postgres://okienko:****@db.ratusz:5432/okienko', redacted: true });
    expect(loggableStoreUrl('postgres://okienko@db:5432/okienko')).toEqual({ url: 'postgres://okienko@db:5432/okienko', redacted: false });
    expect(loggableStoreUrl('sqlite:/var/lib/okienko/okienko.db')).toEqual({ url: 'sqlite:/var/lib/okienko/okienko.db', redacted: false });
  });

  it('name a SQLite file by its absolute path, quoted for the shell where needed', () => {
    expect(absoluteStoreUrl('sqlite:/srv/x.db?synchronous=normal')).toBe('sqlite:/srv/x.db?synchronous=normal');
    expect(absoluteStoreUrl('sqlite:data/x.db')).toBe(`sqlite:${process.cwd()}/data/x.db`);
    expect(shellArg("sqlite:/srv/biuro O'Neill/x.db")).toBe(`'sqlite:/srv/biuro O'\\''Neill/x.db'`);
  });
});
