/**
 * How much of a long list a view shows: one page at first, one page more each time the person asks. Lists from
 * files and registries can hold 100,000 items, and rendering them all blocks the page for minutes.
 */
export class Paging {
  // The pages asked for belong to one list: another list (a new result) starts again at one page, no effect needed.
  private asked = $state.raw<{ list: unknown; pages: number }>({ list: null, pages: 1 });

  constructor(readonly pageSize: number) {}

  /** How many items of `list` to show. */
  limit(list: unknown): number {
    return (this.asked.list === list ? this.asked.pages : 1) * this.pageSize;
  }

  /** Shows one page more of `list`. */
  more(list: unknown): void {
    this.asked = { list, pages: this.limit(list) / this.pageSize + 1 };
  }
}

/** One page of a long editable list at a time, with Previous/Next: rows added at the end stay reachable. */
export class Pager {
  private at = $state.raw<{ list: unknown; page: number }>({ list: null, page: 0 });

  constructor(readonly pageSize: number) {}

  /** The page shown for `list` (0-based), kept within the pages it has now. */
  page(list: unknown, length: number): number {
    const last = Math.max(0, Math.ceil(length / this.pageSize) - 1);
    return Math.min(this.at.list === list ? this.at.page : 0, last);
  }

  /** Index of the first item shown. */
  start(list: unknown, length: number): number {
    return this.page(list, length) * this.pageSize;
  }

  go(list: unknown, page: number): void {
    this.at = { list, page: Math.max(0, page) };
  }

  /** Shows the page holding the last item (after adding one). */
  last(list: unknown, length: number): void {
    this.go(list, Math.ceil(length / this.pageSize) - 1);
  }
}
