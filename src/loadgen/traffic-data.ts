/** The lists behind the loadgen traffic mix: user agents by device, a site's pages, user names. */

export interface AgentShare {
  ua: string;
  device: 'desktop' | 'mobile' | 'tablet' | 'bot';
  bot: boolean;
  /** relative share of visitors: ~46 % desktop, ~40 % mobile, ~6 % tablet, ~8 % bots, as public web statistics go */
  weight: number;
}

const desktop = (ua: string, weight: number): AgentShare => ({ ua, device: 'desktop', bot: false, weight });
const mobile = (ua: string, weight: number): AgentShare => ({ ua, device: 'mobile', bot: false, weight });
const tablet = (ua: string, weight: number): AgentShare => ({ ua, device: 'tablet', bot: false, weight });
const bot = (ua: string, weight: number): AgentShare => ({ ua, device: 'bot', bot: true, weight });

export const USER_AGENT_MIX: readonly AgentShare[] = [
  desktop(
    'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36',
    20,
  ),
  desktop(
    'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36 Edg/131.0.0.0',
    6,
  ),
  desktop('Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:133.0) Gecko/20100101 Firefox/133.0', 3),
  desktop(
    'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Safari/605.1.15',
    7,
  ),
  desktop(
    'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36',
    6,
  ),
  desktop('Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0', 2),
  desktop('Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36', 2),
  mobile(
    'Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1',
    16,
  ),
  mobile(
    'Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) CriOS/131.0.6778.73 Mobile/15E148 Safari/604.1',
    3,
  ),
  mobile(
    'Mozilla/5.0 (Linux; Android 14; SM-S918B) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.6778.39 Mobile Safari/537.36',
    9,
  ),
  mobile(
    'Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.6778.39 Mobile Safari/537.36',
    5,
  ),
  mobile(
    'Mozilla/5.0 (Linux; Android 13; M2101K6G) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0.0.0 Mobile Safari/537.36',
    5,
  ),
  mobile('Mozilla/5.0 (Android 14; Mobile; rv:133.0) Gecko/133.0 Firefox/133.0', 2),
  tablet(
    'Mozilla/5.0 (iPad; CPU OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1',
    4,
  ),
  tablet(
    'Mozilla/5.0 (Linux; Android 13; SM-X710) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36',
    2,
  ),
  bot('Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)', 3),
  bot('Mozilla/5.0 (compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm)', 1.5),
  bot('Mozilla/5.0 (compatible; AhrefsBot/7.0; +http://ahrefs.com/robot/)', 1),
  bot('Mozilla/5.0 AppleWebKit/537.36 (KHTML, like Gecko; compatible; GPTBot/1.2; +https://openai.com/gptbot)', 1),
  bot('curl/8.5.0', 0.5),
  bot('python-requests/2.32.3', 1),
];

const range = (count: number, path: (i: number) => string): string[] =>
  Array.from({ length: count }, (_, i) => path(i + 1));

const BLOG_SLUGS = [
  'launch-week',
  'how-we-ship',
  'pricing-update',
  'dark-mode',
  'year-in-review',
  'privacy-first',
  'faster-checkout',
  'api-v2',
];

/** A shop's site; within a section, earlier pages are visited more (Zipf by rank). */
export const SITE_SECTIONS: readonly { weight: number; paths: readonly string[] }[] = [
  { weight: 30, paths: ['/', '/search', '/cart', '/login', '/account'] },
  { weight: 25, paths: ['/products', ...range(1500, (i) => `/products/${i}`)] },
  { weight: 8, paths: ['/categories', ...range(40, (i) => `/categories/${i}`)] },
  { weight: 6, paths: ['/checkout', '/checkout/shipping', '/checkout/payment', '/checkout/done'] },
  {
    weight: 5,
    paths: ['/blog', ...BLOG_SLUGS.map((slug) => `/blog/${slug}`), ...range(200, (i) => `/blog/page-${i}`)],
  },
  {
    weight: 14,
    paths: ['/api/cart', '/api/items', '/api/session', '/api/recommendations', ...range(300, (i) => `/api/items/${i}`)],
  },
  { weight: 3, paths: ['/about', '/contact', '/help', '/terms', '/privacy', '/careers'] },
];

export const USERNAME_STEMS: readonly string[] = [
  'ann',
  'bo',
  'chen',
  'dmitri',
  'elif',
  'fatima',
  'gus',
  'hana',
  'ines',
  'jonas',
  'kofi',
  'lea',
  'mateo',
  'nia',
  'omar',
  'priya',
  'quinn',
  'rosa',
  'sven',
  'tomoko',
  'uma',
  'vik',
  'wen',
  'yusuf',
  'zoe',
];
