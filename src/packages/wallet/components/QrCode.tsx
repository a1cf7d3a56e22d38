/** The member code as a QR (qrcode-generator draws a GIF data URL: same <Image> in weapp and h5). */
import { useMemo } from 'react';
import { Image, View } from '@tarojs/components';
import qrcode from 'qrcode-generator';

export default function QrCode({ text, testId }: { text: string; testId?: string }) {
  const src = useMemo(() => {
    const qr = qrcode(0, 'M');
    qr.addData(text);
    qr.make();
    return qr.createDataURL(6, 4);
  }, [text]);
  return (
    <View className="wallet-qr" data-testid={testId}>
      <Image className="wallet-qr-image" src={src} mode="aspectFit" />
    </View>
  );
}
