/**
 * Indonesian news portals' public RSS feeds, the default scope list of the RSS collector.
 *
 * Compiled from open-source configurations of 2024–2026 (research/source-apis.md §6) and NOT
 * fetched from this machine: every URL is `verified: false` until a connected deployment has
 * fetched it (`npx pantau collect --source rss --feed <url> --query ... --dry-run`). Portals move
 * feeds without notice; a dead feed only fails its own scope and shows in the source status.
 * Antara reportedly forbids automated crawling of article pages without written permission: the
 * collector stores only what the feed itself publishes (title, summary, link), never fetches pages.
 */

export interface FeedInfo {
  url: string;
  /** Portal name as officials know it. */
  portal: string;
  section?: string;
  /** Language of the feed when the feed does not say. */
  lang: string;
  /** Province or city for regional editions. */
  region?: string;
  /** False until fetched successfully from a connected machine. */
  verified: boolean;
}

function feed(
  portal: string,
  url: string,
  section?: string,
  extra: Partial<Pick<FeedInfo, 'lang' | 'region'>> = {},
): FeedInfo {
  return { url, portal, section, lang: extra.lang ?? 'id', region: extra.region, verified: false };
}

const INDONESIAN_FEEDS: readonly FeedInfo[] = [
  feed('Antara', 'https://www.antaranews.com/rss/terkini.xml', 'terkini'),
  feed('Antara', 'https://www.antaranews.com/rss/politik.xml', 'politik'),
  feed('Antara', 'https://www.antaranews.com/rss/ekonomi.xml', 'ekonomi'),
  feed('Antara', 'https://www.antaranews.com/rss/metro.xml', 'metro'),
  feed('Antara', 'https://www.antaranews.com/rss/humaniora.xml', 'humaniora'),
  feed('Antara', 'https://www.antaranews.com/rss/hukum.xml', 'hukum'),
  feed('Antara English', 'https://en.antaranews.com/rss/news.xml', 'news', { lang: 'en' }),
  feed('Detik', 'https://news.detik.com/berita/rss', 'berita'),
  feed('Detik', 'https://finance.detik.com/rss', 'finance'),
  feed('CNN Indonesia', 'https://www.cnnindonesia.com/nasional/rss', 'nasional'),
  feed('CNN Indonesia', 'https://www.cnnindonesia.com/ekonomi/rss', 'ekonomi'),
  feed('CNBC Indonesia', 'https://www.cnbcindonesia.com/news/rss', 'news'),
  feed('CNBC Indonesia', 'https://www.cnbcindonesia.com/market/rss', 'market'),
  feed('Tempo', 'https://rss.tempo.co/nasional', 'nasional'),
  feed('Tempo', 'https://rss.tempo.co/bisnis', 'bisnis'),
  feed('Tempo', 'https://rss.tempo.co/metro', 'metro'),
  feed('Republika', 'https://www.republika.co.id/rss/', 'utama'),
  feed('Republika', 'https://www.republika.co.id/rss/nusantara', 'nusantara'),
  feed('Republika', 'https://www.republika.co.id/rss/ekonomi', 'ekonomi'),
  feed('Okezone', 'https://sindikasi.okezone.com/index.php/rss/0/RSS2.0', 'breaking'),
  feed('Okezone', 'https://sindikasi.okezone.com/index.php/rss/1/RSS2.0', 'news'),
  feed('Kumparan', 'https://lapi.kumparan.com/v2.0/rss/'),
  feed('Suara', 'https://www.suara.com/rss/news', 'news'),
  feed('Suara', 'https://www.suara.com/rss/bisnis', 'bisnis'),
  feed('Tribun Jakarta', 'https://jakarta.tribunnews.com/rss/', undefined, {
    region: 'DKI Jakarta',
  }),
  feed('Tribun Jabar', 'https://jabar.tribunnews.com/rss/', undefined, { region: 'Jawa Barat' }),
  feed('Tribun Jateng', 'https://jateng.tribunnews.com/rss/', undefined, { region: 'Jawa Tengah' }),
  feed('Tribun Jatim', 'https://jatim.tribunnews.com/rss/', undefined, { region: 'Jawa Timur' }),
  feed('Tribun Medan', 'https://medan.tribunnews.com/rss/', undefined, {
    region: 'Sumatera Utara',
  }),
  feed('Tribun Makassar', 'https://makassar.tribunnews.com/rss/', undefined, {
    region: 'Sulawesi Selatan',
  }),
  feed('BBC News Indonesia', 'https://feeds.bbci.co.uk/indonesia/rss.xml'),
  feed('Sindonews', 'https://www.sindonews.com/feed'),
  feed('JPNN', 'https://www.jpnn.com/index.php?mib=rss'),
];

export { INDONESIAN_FEEDS };
