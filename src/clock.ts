/** The time source, injected everywhere time matters so tests can set it to the millisecond. */
export type Clock = () => number;

export const systemClock: Clock = () => Date.now();
