/**
 * Which IP addresses the proxy may connect to when it fetches a URL that came from a
 * browser: public unicast only. Loopback, private, link-local (cloud metadata at
 * 169.254.169.254), carrier-grade NAT, multicast, documentation and reserved ranges are
 * refused, and so are IPv6 forms that embed one of them (mapped, NAT64, 6to4, compatible).
 */
const BLOCKED_V4: [string, number][] = [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.0.2.0', 24],
  ['192.88.99.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['198.51.100.0', 24],
  ['203.0.113.0', 24],
  ['224.0.0.0', 4],
  ['240.0.0.0', 4],
];

function parseV4(address: string): number | undefined {
  const parts = address.split('.');
  if (parts.length !== 4 || !parts.every((part) => /^\d{1,3}$/.test(part) && Number(part) < 256)) return undefined;
  return parts.reduce((value, part) => value * 256 + Number(part), 0);
}

function inV4Range(value: number, [base, bits]: [string, number]): boolean {
  const size = 2 ** (32 - bits);
  const start = parseV4(base)!;
  return value >= start && value < start + size;
}

/** The 8 groups of an IPv6 address as numbers, or undefined when it is not one. */
function parseV6(address: string): number[] | undefined {
  let text = address
    .replace(/^\[|\]$/g, '')
    .split('%')[0]!
    .toLowerCase();
  // A trailing dotted IPv4 (::ffff:1.2.3.4) becomes two groups.
  const dotted = /(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (dotted) {
    const v4 = parseV4(dotted[1]!);
    if (v4 === undefined) return undefined;
    text = `${text.slice(0, -dotted[1]!.length)}${(v4 >>> 16).toString(16)}:${(v4 & 0xffff).toString(16)}`;
  }
  const halves = text.split('::');
  if (halves.length > 2) return undefined;
  const head = halves[0] ? halves[0].split(':') : [];
  const tail = halves.length === 2 && halves[1] ? halves[1].split(':') : [];
  const missing = 8 - head.length - tail.length;
  if ((halves.length === 1 && missing !== 0) || missing < 0) return undefined;
  const groups = [...head, ...Array(halves.length === 2 ? missing : 0).fill('0'), ...tail];
  if (!groups.every((group) => /^[0-9a-f]{1,4}$/.test(group))) return undefined;
  return groups.map((group) => parseInt(group, 16));
}

export function isPublicAddress(address: string): boolean {
  const v4 = parseV4(address);
  if (v4 !== undefined) return !BLOCKED_V4.some((range) => inV4Range(v4, range)) && v4 !== 0xffffffff;
  const groups = parseV6(address);
  if (!groups) return false;
  const [a, b] = groups as [number, number];
  const embeddedV4 = (high: number, low: number) => isPublicAddress(`${high >>> 8}.${high & 0xff}.${low >>> 8}.${low & 0xff}`);
  if (groups.every((group) => group === 0)) return false; // ::
  if (groups.slice(0, 7).every((group) => group === 0) && groups[7] === 1) return false; // ::1
  if (groups.slice(0, 5).every((group) => group === 0) && groups[5] === 0xffff) return embeddedV4(groups[6]!, groups[7]!); // ::ffff:a.b.c.d
  if (groups.slice(0, 6).every((group) => group === 0)) return false; // ::a.b.c.d (deprecated compatible)
  if (a === 0x64 && b === 0xff9b) return embeddedV4(groups[6]!, groups[7]!); // NAT64
  if (a === 0x2002) return embeddedV4(b, groups[2]!); // 6to4
  if ((a & 0xfe00) === 0xfc00) return false; // fc00::/7 unique local
  if ((a & 0xffc0) === 0xfe80) return false; // fe80::/10 link-local
  if ((a & 0xff00) === 0xff00) return false; // multicast
  if (a === 0x2001 && b === 0x0db8) return false; // documentation
  if (a === 0x2001 && b < 0x0200) return false; // 2001::/23 IETF protocol assignments (Teredo, ORCHID…)
  return true;
}
