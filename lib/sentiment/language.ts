/**
 * Language identification for short posts: Indonesian, Malay, Javanese, Sundanese, English, and
 * 'und' when the text gives too little evidence. Statistical identifiers trained on long documents
 * do poorly on 10-word posts in closely related languages; distinctive function words and
 * colloquial markers are the robust signal, so this is a weighted marker-word vote.
 */

/** Marker words per language with weights; a word shared by several languages is listed in each. */
const MARKERS: Readonly<Record<string, Readonly<Record<string, number>>>> = {
  id: weights(
    'tidak:3 gak:3 nggak:3 ga:2 gk:2 enggak:3 tdk:3 bukan:2 belum:1 sudah:1 udah:3 udh:3 sdh:2 yang:2 yg:3 dan:1 di:1 ke:1 dari:1 dr:1 untuk:2 utk:3 dengan:1 dgn:2 ini:1 itu:1 ada:1 akan:1 bisa:3 bs:2 karena:3 krn:3 karna:3 juga:2 jg:2 saja:2 aja:3 banget:3 bgt:3 sangat:1 sekali:1 kalau:2 kalo:3 klo:3 tapi:2 tp:2 saya:1 aku:1 gue:3 gw:3 kamu:2 lu:2 lo:2 mereka:1 kita:1 kami:1 pemerintah:3 harga:1 uang:3 sekarang:2 skrg:3 gimana:3 bagaimana:2 kenapa:3 knp:3 apa:1 mau:1 lagi:1 lg:2 masih:1 banyak:1 baru:1 orang:1 rakyat:2 warga:2 jalan:1 macet:2 banjir:2 mahal:1 murah:1 naik:1 turun:1 bagus:1 jelek:2 enak:1 kok:2 sih:3 dong:3 deh:3 nih:3 tuh:3 loh:2 kan:1 emang:3 memang:2 begitu:2 gitu:3 gini:3 cuma:2 doang:3 kayak:3 seperti:2 ingin:2 pengen:3 tahu:1 tau:2 nya:1 dapat:1 dapet:3 bikin:3 terus:1 trus:2 ya:1 pak:1 bu:1 mas:1 hari:1 tahun:1 jokowi:2 presiden:2 menteri:2 kebijakan:3 bansos:3 sekolah:1 rumah:1 sakit:1 bpjs:3',
  ),
  ms: weights(
    'tak:2 tidak:1 sudah:1 dah:1 yang:1 dan:1 di:1 ke:1 dari:1 untuk:1 dengan:1 ini:1 itu:1 ada:1 akan:1 boleh:3 kerana:4 sebab:1 juga:1 sahaja:4 saja:1 sangat:1 sekali:1 kalau:1 tetapi:1 tapi:1 saya:1 aku:1 awak:4 kau:1 mereka:1 kita:1 kami:1 kerajaan:4 wang:4 harga:1 sekarang:1 bagaimana:2 macam:3 mana:1 kenapa:1 mengapa:2 apa:1 mahu:4 nak:3 lagi:1 masih:1 banyak:1 baru:1 orang:1 rakyat:1 jalan:1 bagus:1 cantik:1 hendak:3 pun:1 lah:2 ni:2 tu:2 je:3 jer:3 ke:1 betul:3 sikit:3 kat:3 dekat:1 percuma:4 bas:3 kereta:3 polis:4 kerja:1 sedang:1 baik:1 negeri:2 malaysia:4 ringgit:4 ialah:3 adalah:1 telah:1 beliau:1 selepas:3 semasa:3 daripada:1 kepada:1 terima:1 kasih:1 berkata:2 tersebut:1 gembira:1',
  ),
  jv: weights(
    'ora:4 ndak:2 gak:1 wis:3 wes:3 durung:4 sing:3 lan:3 karo:3 ning:3 neng:3 nang:3 saka:3 soko:3 kanggo:4 iki:3 kuwi:4 iku:3 ana:3 onok:3 isa:3 iso:3 bisa:1 amarga:4 mergo:4 mergane:4 uga:3 wae:4 bae:2 banget:1 pol:2 aku:1 kowe:4 koe:4 awakmu:4 dheweke:4 deweke:4 kabeh:3 arep:3 pengin:3 kepengin:4 piye:4 kepiye:4 opo:3 apa:1 ngapa:3 ngopo:4 lagi:1 isih:4 akeh:4 anyar:3 uwong:4 wong:2 dalan:3 apik:3 elek:3 enak:1 ayu:2 seneng:3 susah:1 duwe:4 gawe:3 mung:3 tak:1 dak:2 mangan:4 turu:4 lunga:4 teka:3 mboten:5 nggih:4 sampun:4 kula:4 panjenengan:5 matur:3 nuwun:4 sugeng:4 ingkang:4 saking:3 dados:3 badhe:4 wonten:4 mawon:4 lho:2 tho:3 to:1 yo:2 wingi:4 sesuk:4 saiki:4 mau:1 bengi:3 esuk:3 omah:4 dhuwit:4 duit:2 rego:4 larang:4 murah:1 jalaran:4 ngerti:3 weruh:4 ngomong:3 mbok:3 dewe:3 dhewe:3 ae:3 kok:1 seh:2 rek:3 cah:3 bocah:3 kae:4 kene:3 kono:4 sithik:4 gedhe:4 cilik:3',
  ),
  su: weights(
    'teu:4 henteu:5 moal:4 acan:4 tacan:4 geus:4 atos:4 tos:3 nu:3 jeung:4 sareng:4 di:1 ka:2 ti:3 pikeun:5 kanggo:2 ieu:4 eta:3 éta:4 aya:3 tiasa:4 bisa:1 sabab:3 kusabab:4 oge:4 ogé:4 wae:2 bae:2 pisan:4 abdi:4 urang:3 maneh:4 manéh:4 anjeun:5 aranjeunna:5 sadayana:5 hoyong:5 embung:4 hayang:4 kumaha:5 naon:5 naha:3 keur:4 nuju:4 masih:1 loba:4 seueur:5 anyar:1 jalma:4 jalan:1 alus:4 sae:4 saé:4 goreng:2 hese:4 hésé:4 gampil:4 mah:3 teh:3 téh:4 atuh:5 euy:5 sok:2 mangga:3 hatur:5 nuhun:5 wilujeng:5 kieu:5 kitu:4 dieu:4 ditu:4 didieu:5 ayeuna:5 kamari:4 isukan:4 imah:4 duit:2 artos:4 mahal:1 murah:1 ngarti:4 nyaho:5 ceuk:4 cenah:4 sanes:4 lain:1 leutik:5 gede:3 saeutik:5 saha:4 iraha:5 dimana:1 kamana:4',
  ),
  en: weights(
    'the:4 and:2 is:3 are:3 was:3 were:3 of:3 to:2 in:1 not:3 no:1 this:3 that:3 you:3 i:2 it:2 with:3 for:3 very:3 good:3 bad:3 but:2 have:3 has:3 be:2 will:3 would:3 can:2 what:3 why:3 how:3 they:3 we:2 my:3 your:3 our:3 their:3 so:1 just:2 like:2 people:3 government:4 price:3 prices:3 school:3 road:3 flood:3 health:2 insurance:3 great:3 love:3 hate:3 thanks:3 thank:3 please:3 do:2 does:3 did:3 an:2 a:1 on:1 at:1 from:2 by:2 about:3 all:1 more:2 out:2 up:1 there:3 been:3 should:3 could:3 because:4 really:3 new:1 now:1 today:2',
  ),
};

function weights(spec: string): Record<string, number> {
  const out: Record<string, number> = {};
  for (const pair of spec.split(' ')) {
    const [w, n] = pair.split(':');
    out[w as string] = Number(n);
  }
  return out;
}

const LANGS = Object.keys(MARKERS);
/** word → weight per language (LANGS order): one lookup per word instead of one per language. */
const WORD_WEIGHTS: ReadonlyMap<string, Float64Array> = (() => {
  const m = new Map<string, Float64Array>();
  LANGS.forEach((lang, k) => {
    for (const [w, wt] of Object.entries(MARKERS[lang] ?? {})) {
      let v = m.get(w);
      if (!v) {
        v = new Float64Array(LANGS.length);
        m.set(w, v);
      }
      v[k] = wt;
    }
  });
  return m;
})();
/** Languages the built-in model handles: Indonesian and its close neighbours. */
const BUILTIN_LANGS: ReadonlySet<string> = new Set(['id', 'ms', 'jv', 'su', 'und']);

/** Below this much marker weight a post is 'und' unless the source's tag decides it. */
const MIN_EVIDENCE = 3;

const WORD_RE = /[a-zé]+/g;

/**
 * Normalises a source's language tag: X's 'in' and legacy codes to 'id', region and script
 * suffixes dropped, lower-case; empty, missing or unparsable to 'und'.
 */
function normalizeLang(code: string | undefined): string {
  if (code === undefined) return 'und';
  const primary = code.trim().toLowerCase().split(/[-_]/)[0] ?? '';
  if (!/^[a-z]{2,3}$/.test(primary)) return 'und';
  switch (primary) {
    case 'in':
    case 'ind':
      return 'id';
    case 'msa':
    case 'zsm':
      return 'ms';
    case 'jav':
    case 'jw':
      return 'jv';
    case 'sun':
      return 'su';
    case 'eng':
      return 'en';
    case 'und':
    case 'zxx':
    case 'qme':
    case 'qht':
    case 'qam':
    case 'art':
      return 'und';
    default:
      return primary;
  }
}

/**
 * Detects the language of a short post. `hint` is the source's tag (any form normalizeLang
 * accepts); it decides when the text is too short or ambiguous, and breaks near-ties. Confidence
 * is the winner's share of all marker weight (0 for 'und').
 */
function detectLanguage(text: string, hint?: string): { lang: string; confidence: number } {
  const hinted = normalizeLang(hint);
  const acc = new Float64Array(LANGS.length);
  let lower = text.toLowerCase();
  if (lower.includes('http') || lower.includes('@') || lower.includes('#')) {
    lower = lower.replace(/https?:\/\/\S+|[@#]\w+/g, ' ');
  }
  lower = lower.replace(/([a-z])\1{2,}/g, '$1');
  let total = 0;
  for (const m of lower.matchAll(WORD_RE)) {
    const weightsFor = WORD_WEIGHTS.get(m[0]);
    if (weightsFor === undefined) continue;
    for (let k = 0; k < acc.length; k++) {
      const wt = weightsFor[k] as number;
      acc[k] = (acc[k] as number) + wt;
      total += wt;
    }
  }
  const scores: Record<string, number> = {};
  LANGS.forEach((lang, k) => {
    scores[lang] = acc[k] as number;
  });
  // A source tag is worth a few marker words: it settles 'id' vs 'ms' on shared vocabulary.
  if (hinted in scores) scores[hinted] = (scores[hinted] ?? 0) + 2;

  let best = 'und';
  let bestScore = 0;
  for (const lang of LANGS) {
    const s = scores[lang] ?? 0;
    if (s > bestScore) {
      best = lang;
      bestScore = s;
    }
  }
  if (total + (hinted in scores ? 2 : 0) < MIN_EVIDENCE || bestScore === 0) {
    // Too little text to tell: trust the source's tag, if any, over a guess.
    return hinted !== 'und' ? { lang: hinted, confidence: 0.5 } : { lang: 'und', confidence: 0 };
  }
  const sum = Object.values(scores).reduce((a, b) => a + b, 0);
  return { lang: best, confidence: Number((bestScore / sum).toFixed(3)) };
}

export { BUILTIN_LANGS, detectLanguage, normalizeLang };
