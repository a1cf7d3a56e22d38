/**
 * Demo dish photos, drawn on the spot with sharp: a coloured table, a plate, the dish name. Small
 * (640×480 JPEG) and deterministic, so the showcase needs no image files in the repository.
 */
import sharp from 'sharp';

const escapeXml = (s: string) => s.replace(/[<>&'"]/g, (c) => `&#${c.charCodeAt(0)};`);

export async function dishPhoto(name: string, table: string, food: string): Promise<Buffer> {
  const w = 640;
  const h = 480;
  // CJK fonts: whichever the machine has (Debian's WenQuanYi, Noto CJK on most others)
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${w}" height="${h}">
  <rect width="${w}" height="${h}" fill="${table}"/>
  <ellipse cx="320" cy="215" rx="205" ry="150" fill="#f7f3ea" stroke="#d9cdb4" stroke-width="6"/>
  <ellipse cx="320" cy="215" rx="150" ry="104" fill="${food}"/>
  <ellipse cx="285" cy="190" rx="40" ry="22" fill="#ffffff" fill-opacity="0.25"/>
  <rect x="0" y="${h - 84}" width="${w}" height="84" fill="#000000" fill-opacity="0.45"/>
  <text x="320" y="${h - 30}" text-anchor="middle" font-size="40" fill="#ffffff"
    font-family="WenQuanYi Micro Hei, Noto Sans CJK SC, Source Han Sans SC, PingFang SC, Microsoft YaHei, sans-serif">${escapeXml(name)}</text>
</svg>`;
  return sharp(Buffer.from(svg)).jpeg({ quality: 80 }).toBuffer();
}
