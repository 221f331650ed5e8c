import type { CollectedEvent } from '../collect/event.types.js';

export interface Geo {
  /** ISO 3166-1 alpha-2 */
  country: string;
  countryName: string;
  region: string | null;
  city: string | null;
  lat: number | null;
  lng: number | null;
}

export type DeviceType = 'desktop' | 'mobile' | 'tablet' | 'bot' | 'other';

export interface Agent {
  browser: string | null;
  browserVersion: string | null;
  os: string | null;
  osVersion: string | null;
  device: DeviceType;
  vendor: string | null;
  model: string | null;
  bot: boolean;
}

/** A collected event with what tmon learnt from its ip and user agent. */
export interface EnrichedEvent extends CollectedEvent {
  geo: Geo | null;
  agent: Agent;
}
