/**
 * Helpers for the chart tests: a strict XML parse of the SVG (so "well-formed" is checked by
 * a real parser, not by pattern matching) and a minimal PNG decoder, so pixel checks look
 * at the bytes svgToPng returned rather than at the renderer's own view of them.
 */
import { inflateSync } from 'node:zlib';
import { SaxesParser } from 'saxes';

export type SvgNode = {
  name: string;
  /** Namespace URI of the element, as resolved by the parser. */
  uri: string;
  attributes: Record<string, string>;
  children: SvgNode[];
  /** Text directly inside this element (entities already decoded). */
  text: string;
};

export const SVG_NS = 'http://www.w3.org/2000/svg';

export function parseSvg(xml: string): SvgNode {
  const parser = new SaxesParser({ xmlns: true });
  const root: SvgNode = { name: '#document', uri: '', attributes: {}, children: [], text: '' };
  const stack: SvgNode[] = [root];
  parser.on('opentag', (tag) => {
    const attributes: Record<string, string> = {};
    for (const [name, attribute] of Object.entries(tag.attributes)) attributes[name] = attribute.value;
    const node: SvgNode = { name: tag.local, uri: tag.uri, attributes, children: [], text: '' };
    stack[stack.length - 1]!.children.push(node);
    stack.push(node);
  });
  parser.on('closetag', () => { stack.pop(); });
  parser.on('text', (text) => { stack[stack.length - 1]!.text += text; });
  parser.on('error', (error) => { throw error; });
  parser.write(xml).close();
  if (root.children.length !== 1) throw new Error(`Expected one root element, got ${root.children.length}`);
  return root.children[0]!;
}

export function findAll(node: SvgNode, predicate: (n: SvgNode) => boolean): SvgNode[] {
  const found: SvgNode[] = [];
  const visit = (n: SvgNode) => {
    if (predicate(n)) found.push(n);
    n.children.forEach(visit);
  };
  visit(node);
  return found;
}

export function byClass(node: SvgNode, cls: string): SvgNode[] {
  return findAll(node, (n) => (n.attributes.class ?? '').split(/\s+/).includes(cls));
}

/** All text inside an element, as a reader would see it (tspans joined by spaces). */
export function textOf(node: SvgNode): string {
  const own = node.text;
  const inner = node.children.filter((c) => c.name !== 'title').map(textOf);
  return [own, ...inner].filter((t) => t.length > 0).join(' ');
}

export function num(node: SvgNode, attribute: string): number {
  const value = node.attributes[attribute];
  if (value === undefined) throw new Error(`<${node.name}> has no ${attribute}`);
  return Number(value);
}

export type DecodedPng = { width: number; height: number; bitDepth: number; colourType: number; rgba: Buffer };

/** Decodes an 8-bit RGBA, non-interlaced PNG (what the renderer writes). */
export function decodePng(png: Buffer): DecodedPng {
  let offset = 8;
  let header: { width: number; height: number; bitDepth: number; colourType: number; interlace: number } | undefined;
  const idat: Buffer[] = [];
  while (offset < png.length) {
    const length = png.readUInt32BE(offset);
    const type = png.toString('latin1', offset + 4, offset + 8);
    const data = png.subarray(offset + 8, offset + 8 + length);
    if (type === 'IHDR') header = { width: data.readUInt32BE(0), height: data.readUInt32BE(4), bitDepth: data[8]!, colourType: data[9]!, interlace: data[12]! };
    if (type === 'IDAT') idat.push(data);
    offset += 12 + length;
  }
  if (!header) throw new Error('PNG has no IHDR');
  if (header.bitDepth !== 8 || header.colourType !== 6 || header.interlace !== 0) {
    throw new Error(`Unsupported PNG: depth ${header.bitDepth}, colour type ${header.colourType}, interlace ${header.interlace}`);
  }
  const raw = inflateSync(Buffer.concat(idat));
  const bpp = 4;
  const stride = header.width * bpp;
  const rgba = Buffer.alloc(stride * header.height);
  for (let y = 0; y < header.height; y++) {
    const filter = raw[y * (stride + 1)]!;
    const line = raw.subarray(y * (stride + 1) + 1, (y + 1) * (stride + 1));
    for (let x = 0; x < stride; x++) {
      const a = x >= bpp ? rgba[y * stride + x - bpp]! : 0;
      const b = y > 0 ? rgba[(y - 1) * stride + x]! : 0;
      const c = x >= bpp && y > 0 ? rgba[(y - 1) * stride + x - bpp]! : 0;
      let predictor: number;
      switch (filter) {
        case 0: predictor = 0; break;
        case 1: predictor = a; break;
        case 2: predictor = b; break;
        case 3: predictor = Math.floor((a + b) / 2); break;
        case 4: {
          const p = a + b - c;
          const pa = Math.abs(p - a);
          const pb = Math.abs(p - b);
          const pc = Math.abs(p - c);
          predictor = pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
          break;
        }
        default: throw new Error(`Bad PNG filter ${filter}`);
      }
      rgba[y * stride + x] = (line[x]! + predictor) & 0xff;
    }
  }
  return { width: header.width, height: header.height, bitDepth: header.bitDepth, colourType: header.colourType, rgba };
}
