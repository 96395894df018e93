/**
 * The offline demo source: realistic, clearly fictional Indonesian social-media posts about the
 * demo issues, generated without any network. Output is a pure function of (seed, issue, minute),
 * so re-running over the same window yields the same posts (and no duplicates once stored), and
 * tests can predict it. Volume follows Jakarta's day (more posts 07:00–22:00 WIB), and every
 * `burstEveryMinutes` one topic gets a NEGATIVE burst for a quarter of an hour; `forceBurst`
 * starts one now, for the local end-to-end test and the dashboard's demo button.
 *
 * Nothing here is real data: authors are invented, URLs point at `demo.pantau.invalid`
 * (a reserved, unresolvable domain) and every id starts with `demo-`.
 */
import type { CollectContext, CollectScope, FetchResult, SourceAdapter } from '../domain/ports.ts';
import type { Issue, Post, SourceName } from '../domain/types.ts';
import { compileMatcher } from '../query/index.ts';
import { mulberry32 } from '../runtime/seeded-random.ts';

type Tone = 'neg' | 'pos' | 'neu';

interface Topic {
  key: string;
  issue: Pick<Issue, 'name' | 'query' | 'sources' | 'languages'>;
  templates: Record<Tone, string[]>;
  slots: Record<string, string[]>;
}

const ALL_SOURCES: SourceName[] = [
  'demo',
  'rss',
  'google-news',
  'x',
  'youtube',
  'bluesky',
  'mastodon',
];

const PLACES_JKT = [
  'Kemang',
  'Cipinang Melayu',
  'Kampung Melayu',
  'Pluit',
  'Tebet',
  'Cawang',
  'Kelapa Gading',
  'Grogol',
  'Cengkareng',
  'Pejaten',
  'Bukit Duri',
  'Rawajati',
];

const TOPICS: Topic[] = [
  {
    key: 'harga',
    issue: {
      name: 'Harga BBM dan beras',
      query:
        '(bbm OR pertalite OR solar OR beras OR #BBMNaik OR #HargaBeras) (harga OR ~naik OR mahal OR langka OR antre* OR stok) -resep',
      sources: ALL_SOURCES,
      languages: ['id'],
    },
    slots: {
      item: ['pertalite', 'solar', 'beras', 'beras medium', 'BBM'],
      place: [
        'SPBU Pasar Minggu',
        'SPBU Daan Mogot',
        'pasar Kramat Jati',
        'pasar Induk Cipinang',
        'SPBU Cibubur',
        'warung dekat rumah',
      ],
      price: ['15.500', '16.000', '14.800', '17.200', '13.900'],
      hours: ['1 jam', '2 jam', '45 menit', 'hampir 3 jam'],
    },
    templates: {
      neg: [
        'Antre {item} di {place} udah {hours} 😩 stok langka lagi, gimana sih',
        'harga {item} naik lagi, skrg Rp{price}/kg. rakyat kecil makin susah 😡 #HargaBeras',
        'Kenaikan harga {item} ini bener2 nyekik. gaji gak naik, harga naik terus #BBMNaik',
        'udh {hours} antre {item} di {place}, pas giliran malah habis. parah bgt 😤',
        'Pemerintah katanya stok aman, faktanya {item} langka di {place}. kecewa berat',
        'Beras di {place} Rp{price}, mahal bgt. emak2 pada ngeluh semua 😭 #HargaBeras',
        'kok harga {item} bisa naik pas ekonomi lagi susah gini? gak masuk akal 🙄',
        'Solar langka, truk antre {hours} di {place}. sopir rugi, harga barang ikut naik',
      ],
      pos: [
        'Alhamdulillah stok {item} di {place} aman, antre cuma bentar 👍',
        'Operasi pasar beras di {place} membantu bgt, harga Rp{price} masih terjangkau 🙏',
        'Salut sama petugas SPBU {place}, antrean BBM rapi dan cepet. mantap 👏',
        'harga beras mulai turun di {place}, semoga stabil terus ya',
      ],
      neu: [
        'Ada yang tau harga {item} hari ini di {place}? infonya Rp{price}',
        'Info: antrean {item} di {place} sekitar {hours} pagi ini',
        'Harga beras medium di {place} hari ini Rp{price}/kg',
        'Pertamina umumkan penyesuaian harga BBM nonsubsidi mulai besok, cek aplikasinya',
      ],
    },
  },
  {
    key: 'bpjs',
    issue: {
      name: 'Layanan BPJS Kesehatan',
      query: '(bpjs OR jkn OR #BPJSKesehatan OR "mobile jkn") -"bpjs ketenagakerjaan"',
      sources: ALL_SOURCES,
      languages: ['id'],
    },
    slots: {
      place: [
        'RSUD Tarakan',
        'puskesmas Tebet',
        'RS Fatmawati',
        'RSUD Pasar Rebo',
        'puskesmas Cengkareng',
        'RSUD Koja',
      ],
      hours: ['3 jam', '4 jam', 'dari subuh', 'seharian'],
      who: ['ibu saya', 'bapak', 'anak saya', 'nenek', 'tetangga'],
    },
    templates: {
      neg: [
        'Antre BPJS di {place} {hours}, {who} sampe lemes nunggu. pelayanan lambat bgt 😞',
        'Aplikasi Mobile JKN error terus dari pagi, mau daftar antrean online gak bisa2 😡',
        '{who} ditolak di {place} katanya kamar penuh, padahal pasien BPJS. kecewa 😢 #BPJSKesehatan',
        'iuran BPJS naik tp pelayanan gak berubah. obat disuruh beli sendiri. parah',
        'udah {hours} di {place} cuma buat rujukan BPJS. sistemnya ribet bgt',
        'Kartu JKN {who} tiba2 nonaktif, pas mau berobat ditolak. tolong dong @BPJSKesehatanRI 🙏😤',
      ],
      pos: [
        'Terima kasih BPJS, operasi {who} di {place} gratis full 🙏❤️ #BPJSKesehatan',
        'Pakai Mobile JKN skrg cepet, gak perlu antre lama di {place} 👍',
        'Pelayanan BPJS di {place} makin bagus, petugasnya ramah 😊',
      ],
      neu: [
        'Cara cek status kepesertaan BPJS lewat Mobile JKN, ada yg tau?',
        'Info jam layanan BPJS di {place} hari Sabtu buka gak ya?',
        'Mau pindah faskes BPJS dari {place}, syaratnya apa aja?',
        'BPJS Kesehatan umumkan aturan baru rujukan, berlaku bulan depan',
      ],
    },
  },
  {
    key: 'banjir',
    issue: {
      name: 'Penanganan banjir Jakarta',
      query:
        '(~banjir OR #banjirjakarta OR genangan OR "pompa air") (jakarta OR dki OR #banjirjakarta OR @BPBDJakarta OR kemang OR cipinang OR pluit OR "kampung melayu")',
      sources: ALL_SOURCES,
      languages: ['id'],
    },
    slots: {
      place: PLACES_JKT,
      depth: ['30 cm', 'selutut', 'sepinggang', '50 cm', 'semata kaki'],
      hours: ['2 jam', 'semalaman', 'sejak subuh', '5 jam'],
    },
    templates: {
      neg: [
        'Banjir lagi di {place} Jakarta, air {depth} 😭 pompa air gak jalan. mana petugasnya? #banjirjakarta',
        '{hours} rumah kebanjiran di {place}, belum ada bantuan sama sekali. kecewa sama Pemprov DKI 😡',
        'tiap hujan dikit {place} banjir {depth}. janji normalisasi sungai mana?? #banjirjakarta',
        'Genangan di {place} Jakarta udah {hours} gak surut. motor mogok semua 😤',
        'Pengungsi banjir di {place} kekurangan air bersih & selimut. tolong @BPBDJakarta 🙏',
        'jalan di {place} jakarta banjir {depth}, macet parah, gak ada pengalihan. payah',
      ],
      pos: [
        'Makasih petugas @BPBDJakarta, genangan di {place} cepet surut 👏 #banjirjakarta',
        'Pompa air di {place} Jakarta jalan semua, banjir gak separah tahun lalu 🙏',
        'Salut relawan dapur umum banjir di {place} Jakarta, sigap bgt ❤️',
      ],
      neu: [
        'Update banjir Jakarta: {place} ketinggian air {depth}, hindari jalur ini #banjirjakarta',
        'Ada info banjir di {place} Jakarta pagi ini? mau lewat situ',
        'BPBD DKI: pintu air Manggarai siaga 3, warga {place} diminta waspada banjir',
        'Posko banjir dibuka di kelurahan {place} Jakarta, bantuan bisa diantar ke sana',
      ],
    },
  },
];

const FIRST = [
  'Rina',
  'Budi',
  'Siti',
  'Agus',
  'Dewi',
  'Andi',
  'Putri',
  'Rudi',
  'Wulan',
  'Joko',
  'Ayu',
  'Fajar',
  'Nur',
  'Hendra',
  'Lestari',
  'Yusuf',
  'Mega',
  'Dimas',
  'Intan',
  'Bayu',
];
const LAST = [
  'S.',
  'Pratama',
  'Wijaya',
  'Lubis',
  'Hasibuan',
  'Siregar',
  'Saputra',
  'Kurniawan',
  'Rahma',
  'Nugroho',
  'Harahap',
  'Setiawan',
];
const HANDLE_TAILS = [
  'jkt',
  'bks',
  'dpk',
  'tng',
  'bgr',
  '88',
  '_id',
  '21',
  '99',
  'official',
  'real',
  '07',
];

interface DemoSourceOptions {
  /** Seed of every choice the generator makes. Default 20260310. */
  seed?: number;
  /** Minutes between automatic NEGATIVE bursts (one topic each). Default 240; 0 disables them. */
  burstEveryMinutes?: number;
  /** Largest number of posts one scope returns per run. Default 200. */
  postsPerRun?: number;
  /** A forced burst in the first run after creation (same as calling forceBurst()). */
  forceBurst?: boolean | { issueId?: string; posts?: number };
  /** How far back a first run (no cursor) starts. Default 30 minutes. */
  backfillMinutes?: number;
}

interface DemoSourceAdapter extends SourceAdapter {
  /** Arms a NEGATIVE burst for the next fetch of that issue (default: the first demo issue seen). */
  forceBurst(opts?: { issueId?: string; posts?: number }): void;
}

const BURST_MINUTES = 15;
const MINUTE = 60_000;

// ---------------------------------------------------------------- deterministic randomness

function hash32(text: string): number {
  // FNV-1a then a murmur finaliser: cheap, stable across Node versions, well spread.
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

function rng(key: string): () => number {
  return mulberry32(hash32(key));
}

function pick<T>(r: () => number, items: readonly T[]): T {
  return items[Math.floor(r() * items.length)] as T;
}

/** Heavy-tailed count: most posts get a few likes, a few get hundreds. */
function heavyTail(r: () => number, scale: number): number {
  return Math.floor(scale * (1 / (1 - r() * 0.98) - 1));
}

// ---------------------------------------------------------------- generation

function topicFor(issue: Issue): Topic | undefined {
  const exact = TOPICS.find((t) => t.issue.query === issue.query);
  if (exact) return exact;
  // A custom issue gets the first topic whose typical posts its query matches.
  let matcher: ReturnType<typeof compileMatcher>;
  try {
    matcher = compileMatcher(issue.query);
  } catch {
    return undefined;
  }
  return TOPICS.find((t) =>
    [...t.templates.neg, ...t.templates.neu].some((tpl) =>
      matcher({ text: fill(tpl, t, () => 0), lang: 'id', source: 'demo', author: {} }),
    ),
  );
}

function fill(template: string, topic: Topic, r: () => number): string {
  return template.replace(/\{(\w+)\}/g, (_, name: string) => pick(r, topic.slots[name] ?? ['']));
}

/** Jakarta (UTC+7) hour of a minute index. */
function wibHour(minute: number): number {
  return Math.floor(((minute + 7 * 60) % 1440) / 60);
}

function baseRate(minute: number): number {
  const h = wibHour(minute);
  if (h >= 7 && h < 22) return h >= 17 && h < 21 ? 4 : 3; // evening commute peaks
  return h < 5 ? 0.4 : 1.2;
}

function inBurst(seed: number, topicIndex: number, minute: number, every: number): boolean {
  if (every <= 0) return false;
  const period = Math.floor(minute / every);
  const r = rng(`${seed}:burst:${period}`);
  const topic = Math.floor(r() * TOPICS.length);
  const start = period * every + Math.floor(r() * Math.max(1, every - BURST_MINUTES));
  return topic === topicIndex && minute >= start && minute < start + BURST_MINUTES;
}

function makePost(
  seed: number,
  topic: Topic,
  id: string,
  createdMs: number,
  tone: Tone,
  burst: boolean,
): Post {
  const r = rng(`${seed}:${id}`);
  const text = fill(pick(r, topic.templates[tone]), topic, r);
  const first = pick(r, FIRST);
  const last = pick(r, LAST);
  const handle = `${first.toLowerCase()}${pick(r, ['', '_', '.'])}${pick(r, HANDLE_TAILS)}`.replace(
    /\.$/,
    '',
  );
  const followers = heavyTail(r, 150) + 12;
  // Angry posts travel further: bursts get more engagement.
  const scale = burst ? 40 : tone === 'neg' ? 8 : 4;
  const likes = heavyTail(r, scale);
  return {
    source: 'demo',
    sourceId: id,
    url: `https://demo.pantau.invalid/${topic.key}/${id}`,
    author: {
      id: `demo-u-${hash32(handle).toString(36)}`,
      handle,
      name: `${first} ${last}`,
      followers,
    },
    text,
    createdAt: new Date(createdMs).toISOString(),
    lang: 'id',
    engagement: {
      likes,
      reposts: Math.floor(likes * r() * 0.4),
      replies: Math.floor(likes * r() * 0.2),
      quotes: Math.floor(likes * r() * 0.05),
    },
  };
}

function postsForMinute(seed: number, topicIndex: number, minute: number, every: number): Post[] {
  const topic = TOPICS[topicIndex] as Topic;
  const r = rng(`${seed}:${topic.key}:${minute}`);
  const burst = inBurst(seed, topicIndex, minute, every);
  const rate = baseRate(minute) * (burst ? 8 : 1);
  const count = Math.floor(rate) + (r() < rate % 1 ? 1 : 0);
  const posts: Post[] = [];
  for (let k = 0; k < count; k++) {
    const x = r();
    const tone: Tone = burst
      ? x < 0.85
        ? 'neg'
        : 'neu'
      : x < 0.35
        ? 'neg'
        : x < 0.65
          ? 'pos'
          : 'neu';
    const at = minute * MINUTE + Math.floor(r() * MINUTE);
    posts.push(makePost(seed, topic, `demo-${topic.key}-${minute}-${k}`, at, tone, burst));
  }
  return posts;
}

function forcedBurst(seed: number, topic: Topic, nowMs: number, count: number): Post[] {
  const minute = Math.floor(nowMs / MINUTE);
  const r = rng(`${seed}:force:${topic.key}:${minute}`);
  const posts: Post[] = [];
  for (let k = 0; k < count; k++) {
    // Spread over the last two minutes, never in the future.
    const at = nowMs - Math.floor(r() * 2 * MINUTE);
    posts.push(makePost(seed, topic, `demo-${topic.key}-burst-${minute}-${k}`, at, 'neg', true));
  }
  return posts;
}

function createDemoSource(opts: DemoSourceOptions = {}): DemoSourceAdapter {
  const seed = opts.seed ?? 20260310;
  const every = opts.burstEveryMinutes ?? 240;
  const cap = Math.max(1, opts.postsPerRun ?? 200);
  const backfill = Math.max(1, opts.backfillMinutes ?? 30);
  let armed: { issueId?: string; posts: number } | undefined;
  if (opts.forceBurst) {
    armed = typeof opts.forceBurst === 'object' ? { posts: 40, ...opts.forceBurst } : { posts: 40 };
  }

  return {
    name: 'demo',
    forceBurst(o = {}) {
      armed = { posts: o.posts ?? 40, issueId: o.issueId };
    },
    scopes(issues: Issue[]): CollectScope[] {
      return issues
        .filter((i) => i.sources.includes('demo'))
        .sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))
        .map((issue) => ({ scope: `issue:${issue.tenantId}:${issue.id}`, issues: [issue] }));
    },
    async fetch(scope, cursor, ctx: CollectContext): Promise<FetchResult> {
      const issue = scope.issues[0];
      const topic = issue ? topicFor(issue) : undefined;
      if (!issue || !topic) return { posts: [], requests: 0 };
      const topicIndex = TOPICS.indexOf(topic);
      const nowMs = ctx.now.getTime();
      // Only whole minutes are generated, so a minute's posts are complete when first produced.
      const lastComplete = Math.floor(nowMs / MINUTE) - 1;
      const after = typeof cursor?.minute === 'number' ? cursor.minute : lastComplete - backfill;
      const posts: Post[] = [];
      let done = after;
      for (let m = after + 1; m <= lastComplete; m++) {
        const batch = postsForMinute(seed, topicIndex, m, every);
        if (posts.length + batch.length > cap && posts.length > 0) break;
        posts.push(...batch);
        done = m;
      }
      if (armed && (!armed.issueId || armed.issueId === issue.id)) {
        posts.push(...forcedBurst(seed, topic, nowMs, armed.posts));
        armed = undefined;
      }
      return {
        posts,
        cursor: { minute: done, until: new Date((done + 1) * MINUTE).toISOString() },
        requests: 0,
      };
    },
  };
}

/** The demo tenant's issues; the demo source's posts match their queries. */
const DEMO_ISSUES: Array<Pick<Issue, 'name' | 'query' | 'sources' | 'languages'>> = TOPICS.map(
  (t) => t.issue,
);

export type { DemoSourceAdapter, DemoSourceOptions };
export { createDemoSource, DEMO_ISSUES };
