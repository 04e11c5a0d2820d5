// Draws the extension icon (a tunnel arch with a lightning bolt on a rounded square) as 512×512 PNGs, light and dark.
// Plain Node (zlib only) so the icon is reproducible from source: `node scripts/make-icon.mjs`.
import { writeFileSync, mkdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { deflateSync } from "node:zlib";

const SIZE = 512;
const SAMPLES = 4; // 4×4 supersampling per pixel for smooth edges

const THEMES = {
  // Light menus: saturated blue tile so the white arch and amber bolt stand out.
  light: {
    file: "extension-icon.png",
    top: [37, 99, 235],
    bottom: [14, 116, 144],
    border: null,
    arch: [255, 255, 255],
    bolt: [250, 204, 21],
  },
  // Dark menus: deep slate tile with a light rim, a pale-blue arch and a brighter bolt keep the shape readable.
  dark: {
    file: "extension-icon@dark.png",
    top: [30, 41, 59],
    bottom: [15, 23, 42],
    border: [125, 211, 252],
    arch: [186, 230, 253],
    bolt: [253, 224, 71],
  },
};

/** Rounded square filling the canvas with a small margin, as Raycast's own icons do. */
function inRoundedSquare(x, y, inset = 0) {
  const half = 236 - inset;
  const radius = 108 - inset;
  const dx = Math.max(Math.abs(x - 256) - (half - radius), 0);
  const dy = Math.max(Math.abs(y - 256) - (half - radius), 0);
  return dx * dx + dy * dy <= radius * radius;
}

/** Tunnel mouth: semicircle on top of straight walls, down to the ground line. */
const ARCH = { cx: 256, cy: 254, outer: 158, inner: 106, ground: 404 };
function inArchShape(x, y, radius) {
  if (y > ARCH.ground) return false;
  if (y <= ARCH.cy) return (x - ARCH.cx) ** 2 + (y - ARCH.cy) ** 2 <= radius * radius;
  return Math.abs(x - ARCH.cx) <= radius;
}
function inArch(x, y) {
  return inArchShape(x, y, ARCH.outer) && !inArchShape(x, y, ARCH.inner);
}

/** Road/ground bar under the arch. */
function inGround(x, y) {
  return y >= ARCH.ground - 2 && y <= ARCH.ground + 26 && Math.abs(x - 256) <= 196 && inRoundedSquare(x, y, 20);
}

/** Lightning bolt inside the tunnel mouth (even-odd point-in-polygon). */
const BOLT = [
  [274, 174],
  [196, 296],
  [246, 296],
  [222, 404],
  [318, 254],
  [266, 254],
  [306, 174],
];
function inPolygon(x, y, points) {
  let inside = false;
  for (let i = 0, j = points.length - 1; i < points.length; j = i++) {
    const [xi, yi] = points[i];
    const [xj, yj] = points[j];
    if (yi > y !== yj > y && x < ((xj - xi) * (y - yi)) / (yj - yi) + xi) inside = !inside;
  }
  return inside;
}

function colorAt(theme, x, y) {
  if (!inRoundedSquare(x, y)) return null;
  if (inPolygon(x, y, BOLT)) return theme.bolt;
  if (inArch(x, y) || inGround(x, y)) return theme.arch;
  if (theme.border && !inRoundedSquare(x, y, 8)) return theme.border;
  const t = y / SIZE;
  return theme.top.map((c, i) => Math.round(c + (theme.bottom[i] - c) * t));
}

function render(theme) {
  const raw = Buffer.alloc(SIZE * (SIZE * 4 + 1));
  for (let py = 0; py < SIZE; py++) {
    const row = py * (SIZE * 4 + 1);
    raw[row] = 0; // filter: none
    for (let px = 0; px < SIZE; px++) {
      let r = 0;
      let g = 0;
      let b = 0;
      let a = 0;
      for (let sy = 0; sy < SAMPLES; sy++) {
        for (let sx = 0; sx < SAMPLES; sx++) {
          const c = colorAt(theme, px + (sx + 0.5) / SAMPLES, py + (sy + 0.5) / SAMPLES);
          if (!c) continue;
          r += c[0];
          g += c[1];
          b += c[2];
          a += 1;
        }
      }
      const o = row + 1 + px * 4;
      if (a > 0) {
        raw[o] = Math.round(r / a);
        raw[o + 1] = Math.round(g / a);
        raw[o + 2] = Math.round(b / a);
        raw[o + 3] = Math.round((255 * a) / (SAMPLES * SAMPLES));
      }
    }
  }
  return raw;
}

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});
function crc32(buffer) {
  let c = 0xffffffff;
  for (const byte of buffer) c = CRC_TABLE[(c ^ byte) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function chunk(type, data) {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, "ascii"), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([length, body, crc]);
}

export function encodePng(width, height, raw) {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 6; // RGBA
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk("IHDR", ihdr),
    chunk("IDAT", deflateSync(raw, { level: 9 })),
    chunk("IEND", Buffer.alloc(0)),
  ]);
}

const assets = join(dirname(fileURLToPath(import.meta.url)), "..", "assets");
mkdirSync(assets, { recursive: true });
for (const theme of Object.values(THEMES)) {
  const file = join(assets, theme.file);
  writeFileSync(file, encodePng(SIZE, SIZE, render(theme)));
  console.log(`wrote ${file}`);
}
