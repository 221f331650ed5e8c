/**
 * The locations query walks a service's newest events and tests each one's
 * position against the box. With lat/lng in the (service_id, ts) index that
 * walk reads the index alone (~10× fewer pages than visiting each row), and
 * only the matches are looked up for their city. One index, as before: the
 * latest-events and retention reads use its leading columns unchanged.
 */
export const name = 'covering-ts-index';

export const sql = `
CREATE INDEX events_service_ts_geo ON events(service_id, ts, lat, lng);
DROP INDEX events_service_ts;
`;
