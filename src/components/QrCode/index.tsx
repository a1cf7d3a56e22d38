/**
 * A QR code drawn on the device: qrcode-generator (MIT, no dependencies, ~20 KB minified) builds
 * the matrix and encodes it as a small GIF data URL, which a plain <Image> shows the same way in
 * weapp and h5 — no canvas (whose APIs differ between the two and need a node query after render)
 * and no round trip to the server for an image. One component for every package (class check-in,
 * member code, pickup code, coupons); each passes its own class names for size.
 */
import { useMemo } from 'react';
import { Image, View } from '@tarojs/components';
import qrcode from 'qrcode-generator';

/** Medium error correction: survives a cracked screen or glare, still few modules for ~40 chars. */
export function qrDataUrl(text: string, cellSize = 6, margin = 4): string {
  const qr = qrcode(0, 'M');
  qr.addData(text);
  qr.make();
  return qr.createDataURL(cellSize, margin);
}

export interface QrCodeProps {
  text: string;
  testId?: string;
  boxClass?: string;
  imageClass?: string;
}

export default function QrCode({ text, testId, boxClass = 'qr-box', imageClass = 'qr-image' }: QrCodeProps) {
  const src = useMemo(() => qrDataUrl(text), [text]);
  return (
    <View className={boxClass} data-testid={testId}>
      <Image className={imageClass} src={src} mode="aspectFit" />
    </View>
  );
}
