// Writes eng-fra.tsv: the 328 hand-written pairs of eng-fra-small.tsv, then English -> French
// pairs composed from the small hand-written grammar below (subjects, verbs with their French
// conjugations, nouns with their genders, adjectives with their agreement, negation with
// elision and "pas de"). Deterministic: `node pipelines/data/make-eng-fra.mjs` rewrites the
// same file. Third column: provenance of each pair.
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const COUNT = 1700; // generated pairs (distinct, none repeating a hand-written English sentence)
const SOURCE = 'seqpipe authors (template grammar, make-eng-fra.mjs)';

// [English, English 3rd person, French je, tu, il/elle, nous, ils/elles]
const subjects = [
  { en: 'I', fr: 'je', p: 0, g: 'm', plural: false },
  { en: 'You', fr: 'tu', p: 1, g: 'm', plural: false },
  { en: 'He', fr: 'il', p: 2, g: 'm', plural: false },
  { en: 'She', fr: 'elle', p: 2, g: 'f', plural: false },
  { en: 'We', fr: 'nous', p: 3, g: 'm', plural: true },
  { en: 'They', fr: 'ils', p: 4, g: 'm', plural: true },
];
const verbs = [
  { en: ['see', 'sees'], fr: ['vois', 'vois', 'voit', 'voyons', 'voient'], objects: 'thing' },
  { en: ['want', 'wants'], fr: ['veux', 'veux', 'veut', 'voulons', 'veulent'], objects: 'thing' },
  { en: ['like', 'likes'], fr: ['aime', 'aimes', 'aime', 'aimons', 'aiment'], objects: 'thing' },
  { en: ['have', 'has'], fr: ['ai', 'as', 'a', 'avons', 'ont'], objects: 'thing' },
  { en: ['eat', 'eats'], fr: ['mange', 'manges', 'mange', 'mangeons', 'mangent'], objects: 'food' },
  { en: ['drink', 'drinks'], fr: ['bois', 'bois', 'boit', 'buvons', 'boivent'], objects: 'drink' },
  { en: ['read', 'reads'], fr: ['lis', 'lis', 'lit', 'lisons', 'lisent'], objects: 'text' },
  {
    en: ['find', 'finds'],
    fr: ['trouve', 'trouves', 'trouve', 'trouvons', 'trouvent'],
    objects: 'thing',
  },
];
// [English, French, gender, kinds]
const nouns = [
  ['dog', 'chien', 'm', 'thing'],
  ['cat', 'chat', 'm', 'thing'],
  ['horse', 'cheval', 'm', 'thing'],
  ['bird', 'oiseau', 'm', 'thing'],
  ['house', 'maison', 'f', 'thing'],
  ['car', 'voiture', 'f', 'thing'],
  ['bike', 'vélo', 'm', 'thing'],
  ['boat', 'bateau', 'm', 'thing'],
  ['key', 'clé', 'f', 'thing'],
  ['table', 'table', 'f', 'thing'],
  ['chair', 'chaise', 'f', 'thing'],
  ['flower', 'fleur', 'f', 'thing'],
  ['tree', 'arbre', 'm', 'thing'],
  ['book', 'livre', 'm', 'thing text'],
  ['letter', 'lettre', 'f', 'thing text'],
  ['newspaper', 'journal', 'm', 'thing text'],
  ['map', 'carte', 'f', 'thing text'],
  ['apple', 'pomme', 'f', 'thing food'],
  ['cake', 'gâteau', 'm', 'thing food'],
  ['bread', 'pain', 'm', 'thing food'],
  ['orange', 'orange', 'f', 'thing food'],
  ['fish', 'poisson', 'm', 'thing food'],
  ['soup', 'soupe', 'f', 'food'],
  ['milk', 'lait', 'm', 'drink'],
  ['coffee', 'café', 'm', 'drink'],
  ['tea', 'thé', 'm', 'drink'],
  ['juice', 'jus', 'm', 'drink'],
  ['water', 'eau', 'f', 'drink'],
].map(([en, fr, g, kinds]) => ({ en, fr, g, kinds: kinds.split(' ') }));
// [English, French masculine, feminine] (plural adds -s unless it ends in s)
const adjectives = [
  ['tired', 'fatigué', 'fatiguée'],
  ['ready', 'prêt', 'prête'],
  ['happy', 'content', 'contente'],
  ['busy', 'occupé', 'occupée'],
  ['lost', 'perdu', 'perdue'],
  ['sad', 'triste', 'triste'],
  ['calm', 'calme', 'calme'],
  ['small', 'petit', 'petite'],
  ['tall', 'grand', 'grande'],
  ['sick', 'malade', 'malade'],
];
const thingAdjectives = [
  ['big', 'grand', 'grande'],
  ['small', 'petit', 'petite'],
  ['new', 'nouveau', 'nouvelle'],
  ['red', 'rouge', 'rouge'],
  ['old', 'vieux', 'vieille'],
  ['clean', 'propre', 'propre'],
];
const etre = ['suis', 'es', 'est', 'sommes', 'sont'];

const vowel = (w) => /^[aeéèêiîoôuh]/i.test(w);
const cap = (s) => s[0].toUpperCase() + s.slice(1);
const agree = (a, g, plural) => {
  const base = g === 'f' ? a[2] : a[1];
  return plural && !base.endsWith('s') && !base.endsWith('x') ? `${base}s` : base;
};
/** French noun phrase; `negated` turns un/une into de/d' ("je n'ai pas de chien"). */
function nounPhrase(det, noun, owner, negated) {
  const f = noun.fr;
  switch (det) {
    case 'the':
      return vowel(f) ? `l'${f}` : `${noun.g === 'f' ? 'la' : 'le'} ${f}`;
    case 'a':
      if (negated) return vowel(f) ? `d'${f}` : `de ${f}`;
      return `${noun.g === 'f' ? 'une' : 'un'} ${f}`;
    case 'this':
      return `${noun.g === 'f' ? 'cette' : vowel(f) ? 'cet' : 'ce'} ${f}`;
    default: {
      // possessive of the subject
      const forms = [
        ['mon', 'ma'],
        ['ton', 'ta'],
        ['son', 'sa'],
        ['son', 'sa'],
        ['notre', 'notre'],
        ['leur', 'leur'],
      ][owner];
      return `${noun.g === 'f' && !vowel(f) ? forms[1] : forms[0]} ${f}`;
    }
  }
}
const enPossessive = ['my', 'your', 'his', 'her', 'our', 'their'];
const enDet = (det, noun, owner) =>
  det === 'a' ? (/^[aeiou]/.test(noun.en) ? 'an' : 'a') : det === 'own' ? enPossessive[owner] : det;

function subjectVerb(s, verbFr, negated) {
  const v = verbFr;
  if (negated) return `${s.fr} ${vowel(v) ? "n'" : 'ne '}${v} pas`;
  return s.fr === 'je' && vowel(v) ? `j'${v}` : `${s.fr} ${v}`;
}

// mulberry32: a small seeded generator, so the file is the same on every run
let state = 20240611;
const random = () => {
  state = (state + 0x6d2b79f5) | 0;
  let t = Math.imul(state ^ (state >>> 15), 1 | state);
  t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
};
const pick = (list) => list[Math.floor(random() * list.length)];

function sentence() {
  const kind = random();
  const negated = random() < 0.25;
  if (kind < 0.2) {
    // "She is tired." / "We are not ready."
    const s = pick(subjects);
    const a = pick(adjectives);
    const be = ['am', 'are', 'is', 'are', 'are'][s.p];
    const en = `${s.en} ${be}${negated ? ' not' : ''} ${a[0]}.`;
    const fr = `${subjectVerb(s, etre[s.p], negated)} ${agree(a, s.g, s.plural)}.`;
    return [en, cap(fr)];
  }
  if (kind < 0.35) {
    // "The car is red." / "This dog is not big."
    const n = pick(nouns.filter((x) => x.kinds.includes('thing')));
    const a = pick(thingAdjectives);
    const det = pick(['the', 'this', 'own']);
    const owner = Math.floor(random() * 6);
    const en = `${cap(enDet(det, n, owner))} ${n.en} is${negated ? ' not' : ''} ${a[0]}.`;
    const np = nounPhrase(det, n, owner, false);
    const fr = `${np} ${negated ? "n'est pas" : 'est'} ${agree(a, n.g, false)}.`;
    return [en, cap(fr)];
  }
  // "He eats an apple." / "I do not see my dog."
  const s = pick(subjects);
  const owner = subjects.indexOf(s);
  const v = pick(verbs);
  const n = pick(nouns.filter((x) => x.kinds.includes(v.objects)));
  let det =
    v.objects === 'drink' || v.objects === 'food'
      ? pick(['the', 'own', 'this'])
      : pick(['the', 'a', 'this', 'own']);
  // no "a bread"; "not like a chair" reads oddly: the chair
  if (det === 'a' && (n.en === 'bread' || (negated && v.en[0] === 'like'))) det = 'the';
  const third = s.p === 2;
  const enVerb = negated ? `${third ? 'does' : 'do'} not ${v.en[0]}` : v.en[third ? 1 : 0];
  const en = `${s.en} ${enVerb} ${enDet(det, n, owner)} ${n.en}.`;
  const fr = `${subjectVerb(s, v.fr[s.p], negated)} ${nounPhrase(det, n, owner, negated)}.`;
  return [en, cap(fr)];
}

const handWritten = readFileSync(join(here, 'eng-fra-small.tsv'), 'utf8').trimEnd().split('\n');
const seen = new Set(handWritten.map((line) => line.split('\t')[0]));
const lines = [...handWritten];
let tries = 0;
while (lines.length < handWritten.length + COUNT && tries++ < 1_000_000) {
  const [en, fr] = sentence();
  if (seen.has(en)) continue;
  seen.add(en);
  lines.push(`${en}\t${fr}\t${SOURCE}`);
}
writeFileSync(join(here, 'eng-fra.tsv'), `${lines.join('\n')}\n`);
console.log(
  `eng-fra.tsv: ${handWritten.length} hand-written + ${lines.length - handWritten.length} generated pairs`,
);
