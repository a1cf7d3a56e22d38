import { useMemo } from 'react';
import qrcode from 'qrcode-generator';

/** The session's check-in QR, drawn in the browser (same encoder as the mini-program). */
export function QrImage({ text, cellSize = 8, testId }: { text: string; cellSize?: number; testId?: string }) {
  const src = useMemo(() => {
    const qr = qrcode(0, 'M');
    qr.addData(text);
    qr.make();
    return qr.createDataURL(cellSize, 4);
  }, [text, cellSize]);
  return <img src={src} alt="签到二维码" data-testid={testId} style={{ imageRendering: 'pixelated', display: 'block', margin: '0 auto' }} />;
}
