// The built-in demo corpus: sentences from a small grammar of our own whose words fall into clear
// classes (numbers, colours, days, cities, animals, verbs in agreeing forms, …). Words of a class
// are interchangeable in context, so a trained model's embedding map visibly groups them.
import { Rng } from '../rng';
import { Dataset } from './dataset';
import { ngramDataset } from './ngrams';

const CLASSES = {
  pronoun: ['i', 'you', 'we', 'they'],
  'pronoun (3rd person)': ['he', 'she'],
  'object pronoun': ['me', 'us', 'them', 'him', 'her'],
  number: ['two', 'three', 'four', 'five', 'six', 'seven', 'eight', 'nine', 'ten', 'eleven', 'twelve', 'twenty', 'thirty', 'forty', 'fifty', 'hundred'],
  colour: ['red', 'blue', 'green', 'yellow', 'black', 'white', 'brown', 'orange', 'pink', 'purple', 'grey', 'golden'],
  day: ['monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday', 'sunday'],
  month: ['january', 'february', 'march', 'april', 'may', 'june', 'july', 'august', 'september', 'october', 'november', 'december'],
  city: ['london', 'paris', 'berlin', 'tokyo', 'rome', 'madrid', 'cairo', 'lima', 'dublin', 'oslo', 'vienna', 'prague', 'athens', 'delhi', 'sydney', 'boston'],
  place: ['market', 'school', 'park', 'station', 'office', 'library', 'museum', 'hospital', 'beach', 'church', 'bank', 'airport', 'garden', 'cinema'],
  animal: ['dog', 'cat', 'horse', 'bird', 'fish', 'cow', 'sheep', 'goat', 'mouse', 'rabbit', 'lion', 'duck'],
  'animals (plural)': ['dogs', 'cats', 'horses', 'birds', 'fishes', 'cows', 'lambs', 'goats', 'mice', 'rabbits', 'lions', 'ducks'],
  thing: ['car', 'book', 'cup', 'chair', 'table', 'bag', 'hat', 'box', 'ball', 'pen', 'lamp', 'bike'],
  'things (plural)': ['cars', 'books', 'cups', 'chairs', 'tables', 'bags', 'hats', 'boxes', 'balls', 'pens', 'lamps', 'bikes'],
  person: ['man', 'woman', 'boy', 'girl', 'doctor', 'teacher', 'farmer', 'baker', 'child', 'friend', 'driver', 'nurse', 'pilot', 'cook'],
  'motion verb': ['went', 'walked', 'drove', 'ran', 'flew', 'travelled', 'came', 'moved'],
  verb: ['see', 'like', 'want', 'buy', 'find', 'need', 'sell', 'paint', 'carry', 'love'],
  'verb (-s)': ['sees', 'likes', 'wants', 'buys', 'finds', 'needs', 'sells', 'paints', 'carries', 'loves'],
  'verb (past)': ['saw', 'liked', 'wanted', 'bought', 'found', 'needed', 'sold', 'painted', 'carried', 'loved'],
  adjective: ['big', 'small', 'old', 'new', 'happy', 'sad', 'fast', 'slow', 'tall', 'short', 'quiet', 'loud', 'warm', 'cold'],
  time: ['today', 'tomorrow', 'yesterday', 'tonight', 'now', 'later', 'soon', 'again'],
  preposition: ['in', 'at', 'near', 'behind'],
  determiner: ['the', 'a', 'my', 'your', 'our', 'their', 'this', 'that'],
  modal: ['will', 'can', 'must', 'should', 'might', 'could'],
  'be / have': ['is', 'are', 'was', 'were', 'has', 'have'],
  function: ['to', 'on', 'from', 'with', 'and', 'very', 'there', 'where', 'who', 'born', 'one', 'not'],
  punctuation: ['.', '?', ','],
} as const;

type ClassName = keyof typeof CLASSES;

export interface DemoOptions {
  seed?: number;
  sentences?: number;
}

export function demoDataset(opts: DemoOptions = {}): Dataset {
  const seed = opts.seed ?? 1;
  const rng = new Rng(seed);
  const pick = (c: ClassName): string => {
    const words = CLASSES[c];
    return words[rng.int(words.length)];
  };
  const oneOf = <T>(...items: T[]): T => items[rng.int(items.length)];
  const subject = (): { words: string[]; third: boolean } => {
    const r = rng.uniform();
    if (r < 0.45) return { words: [pick('pronoun')], third: false };
    if (r < 0.7) return { words: [pick('pronoun (3rd person)')], third: true };
    return { words: [oneOf('the', 'my', 'your', 'our', 'their', 'this', 'that'), pick('person')], third: true };
  };
  const counted = (): string[] => {
    if (rng.uniform() < 0.25) return ['one', ...(rng.uniform() < 0.5 ? [pick('colour')] : []), pick(oneOf<ClassName>('thing', 'animal'))];
    return [pick('number'), ...(rng.uniform() < 0.5 ? [pick('colour')] : []), pick(oneOf<ClassName>('things (plural)', 'animals (plural)'))];
  };
  const when = (): string[] => oneOf(['on', pick('day')], [pick('time')], ['in', pick('month')]);
  const templates: (() => string[])[] = [
    () => [...subject().words, pick('motion verb'), 'to', 'the', pick('place'), ...when(), '.'],
    () => [...subject().words, pick('motion verb'), 'from', pick('city'), 'to', pick('city'), ...when(), '.'],
    () => {
      const s = subject();
      return [...s.words, s.third ? 'has' : 'have', ...counted(), '.'];
    },
    () => [...subject().words, pick('modal'), pick('verb'), pick('object pronoun'), pick('preposition'), 'the', pick('place'), pick('time'), '.'],
    () => {
      const s = subject();
      return [...s.words, s.third ? pick('verb (-s)') : pick('verb'), oneOf('the', 'a', 'my', 'this'), pick('colour'), pick('thing'), '.'];
    },
    () => [...subject().words, pick('verb (past)'), pick('object pronoun'), 'in', pick('city'), 'in', pick('month'), '.'],
    () => (rng.uniform() < 0.5 ? ['where', 'is', 'the', pick('thing'), '?'] : ['where', 'are', 'the', pick('things (plural)'), '?']),
    () =>
      rng.uniform() < 0.5
        ? ['the', pick('animal'), oneOf('is', 'was'), ...(rng.uniform() < 0.5 ? ['very'] : []), pick('adjective'), '.']
        : ['the', pick('animals (plural)'), oneOf('are', 'were'), ...(rng.uniform() < 0.3 ? ['not'] : []), pick('adjective'), '.'],
    () => ['there', 'were', pick('number'), pick('animals (plural)'), 'near', 'the', pick('place'), ',', 'and', pick('number'), pick('things (plural)'), '.'],
    () => ['who', pick('verb (past)'), 'the', pick('adjective'), pick('animal'), '?'],
    () => {
      const s = subject();
      return [...s.words, s.third ? 'was' : oneOf('was', 'were'), 'born', 'in', pick('city'), 'in', pick('month'), '.'];
    },
    () => [...subject().words, pick('motion verb'), 'with', pick('object pronoun'), 'behind', 'the', pick('place'), ...when(), '.'],
  ];

  const count = opts.sentences ?? 16000;
  const tokens: string[][] = [];
  for (let i = 0; i < count; i++) tokens.push(templates[rng.int(templates.length)]());

  // Vocabulary in class order, keeping only words the corpus uses, so every word occurs.
  const used = new Set(tokens.flat());
  const vocab: string[] = [];
  const wordClasses: string[] = [];
  for (const [cls, words] of Object.entries(CLASSES)) {
    for (const w of words) {
      if (used.has(w) && !vocab.includes(w)) {
        vocab.push(w);
        wordClasses.push(cls);
      }
    }
  }
  const ids = new Map(vocab.map((w, i) => [w, i]));
  const sentences = tokens.map((s) => Int32Array.from(s, (w) => ids.get(w)!));
  return ngramDataset({ name: 'demo', source: 'demo', vocab, sentences, wordClasses }, 3, seed);
}
