/**
 * Errors a store raises for conditions a caller can act on; every backend
 * throws these (never driver errors) so the web and CLI layers map them to
 * answers (409, 404) without knowing the database.
 */
export class StoreConflictError extends Error {
  readonly code = 'conflict';
  override name = 'StoreConflictError';
}

export class StoreNotFoundError extends Error {
  readonly code = 'not_found';
  override name = 'StoreNotFoundError';
}
