/** A newest-first page of a list (cursors: shared/http's encodeCursor/decodeCursor). */
export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}
