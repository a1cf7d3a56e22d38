/** The pickup QR, drawn on the device with qrcode-generator as a GIF data URL (weapp and h5 alike). */
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
    <View className="nye-qr" data-testid={testId}>
      <Image className="nye-qr-image" src={src} mode="aspectFit" />
    </View>
  );
}
