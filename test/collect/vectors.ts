/** The protocols' test vectors (authoritative, as in docs/protocol.md) and helpers shared by the collect tests. */

export const SECRET = '0cc175b9c0f1b6a831c399e269772661';
export const OTHER_SECRET = '92eb5ffee6ae2fec3ad71c777531578f';
export const EVENT_JSON = '{"url": "/", "ip": "8.8.8.8", "useragent": "x"}';

export const GEN1_BODY = 'wsid=1&data=wH2jEPWIed%2Fp0Nrvum2gvmPHM1v%2BHkBIMQDbJAoUtzC55yrabYYij%2BNu%2FisjwAQ%3D';
export const GEN2_BODY =
  'wsid=1&data=eyJ1cmwiOiAiLyIsICJpcCI6ICI4LjguOC44IiwgInVzZXJhZ2VudCI6ICJ4In0%3D&signature=50df56874d1ae1d20d71d77adca42de0cc0f9acf';

export const V2_IV_HEX = '000102030405060708090a0b';
export const V2_PLAINTEXT = '{"sent_at":1764000000000,"events":[{"url":"/","ip":"8.8.8.8","useragent":"x"}]}';
export const V2_KEY_HEX = '51c24e2360882a6a849bbd2f8959054a09eb821fc9cfec22416ca0e17be2c018';
export const V2_BODY =
  '{"v":2,"wsid":1,"iv":"AAECAwQFBgcICQoL","data":"84xWb6TMzTqSGeYSrENbiAwtaaTd1if2U3/KYaXiZtbaJoW1LicVmGrlToFs5fExaFlI5C1YEe0QVqn1K6WMzEiMpYalCKNo9ZDamWsphVia/cDG/DA0/SLPixv0dOE="}';
/** The v2 vector's sent_at: the clock to inject so it is fresh. */
export const V2_NOW = 1_764_000_000_000;

/** A form body as @fastify/formbody hands it over: repeated names become arrays. */
export function formObject(body: string): Record<string, string | string[]> {
  const form: Record<string, string | string[]> = {};
  for (const [name, value] of new URLSearchParams(body)) {
    const seen = form[name];
    form[name] = seen === undefined ? value : Array.isArray(seen) ? [...seen, value] : [seen, value];
  }
  return form;
}

/** The same field values, as an object (URLSearchParams#get without the undefined). */
export function formValue(body: string, name: string): string {
  const value = new URLSearchParams(body).get(name);
  if (value === null) throw new Error(`no ${name} in ${body}`);
  return value;
}
