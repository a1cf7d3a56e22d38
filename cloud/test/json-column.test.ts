/** The one JSON-column transformer: stored text is plain JSON, NULL stays NULL, bad text reads as the fallback. */
import { jsonColumn, parseJsonText, stringList } from '../src/core/json-column';

test('values are stored as plain JSON text (the format the columns always had)', () => {
  const list = jsonColumn<number[]>({ fallback: [] });
  expect(list.to([3, 1])).toBe('[3,1]');
  expect(list.to(undefined)).toBeUndefined(); // a partial update leaves the column alone
  expect(list.from('[3,1]')).toEqual([3, 1]);
  // a nullable column keeps SQL NULL; a non-nullable one keeps the old "null" text
  expect(jsonColumn<number[]>({ nullable: true }).to(null)).toBeNull();
  expect(jsonColumn<number[]>().to(null)).toBe('null');
});

test('NULL, empty or unreadable stored text reads as the fallback, never throws', () => {
  const list = jsonColumn<string[]>({ fallback: [] });
  expect(list.from(null)).toEqual([]);
  expect(list.from('')).toEqual([]);
  expect(list.from('[1,')).toEqual([]);
  expect(jsonColumn<{ a: number }>().from('not json')).toBeNull();
  expect(parseJsonText<Record<string, number>>('{"a":1}', {})).toEqual({ a: 1 });
  expect(parseJsonText<Record<string, number>>('{', {})).toEqual({});
});

test('each row gets its own copy of an object fallback', () => {
  const list = jsonColumn<string[]>({ fallback: [] });
  const a = list.from(null) as string[];
  a.push('x');
  expect(list.from(null)).toEqual([]);
});

test('stringList reads anything but an array as []', () => {
  expect(stringList(['a', 2])).toEqual(['a', '2']);
  expect(stringList({ a: 1 })).toEqual([]);
  expect(stringList(null)).toEqual([]);
});
