/** The demo's synthetic dataset: people with names, national ids, ages and notes. Made up, seeded. */

const FIRST = ['Ada', 'Grace', 'Alan', 'Edsger', 'Barbara', 'Donald', 'Frances', 'Leslie', 'Radia', 'Ken'];
const LAST = ['Lovelace', 'Hopper', 'Turing', 'Dijkstra', 'Liskov', 'Knuth', 'Allen', 'Lamport', 'Perlman'];

/** xorshift32: a tiny seeded generator, so every demo run lists the same data. */
function generator(seed: number): () => number {
  let x = seed >>> 0 || 1;
  return () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>> 0) / 0x1_0000_0000;
  };
}

/** A CSV of `rows` synthetic people. */
export function syntheticPeopleCsv(rows: number, seed = 2026): string {
  const random = generator(seed);
  const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)];
  const lines = ['id,name,national_id,age,note'];
  for (let i = 0; i < rows; i++) {
    const nationalId = String(Math.floor(random() * 1e9)).padStart(9, '0');
    const age = 18 + Math.floor(random() * 70);
    lines.push(`${i},${pick(FIRST)} ${pick(LAST)},${nationalId},${age},visit ${Math.floor(random() * 1e4)}`);
  }
  return lines.join('\n') + '\n';
}
