/** What the list scenario asks GET /api/tests for (the dashboard's history view): the first page, a status filter, a longer page. */
export const LIST_QUERIES = ['?limit=20', '?limit=20&status=completed', '?limit=50'];
