/**
 * At most this many of the newest events in the window are examined for a
 * locations query: a box over an empty ocean then costs 100k steps through the
 * index (a few ms) instead of a walk through 10 M rows. The dashboard
 * asks for the latest 500 points, which a busy service fills long before the cap.
 */
export const LOCATIONS_SCAN_CAP = 100_000;
