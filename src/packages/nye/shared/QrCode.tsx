/** The pickup QR: the shared component, sized by nye.css. */
import QrCode, { type QrCodeProps } from '../../../components/QrCode';

export default function NyeQrCode(props: QrCodeProps) {
  return <QrCode boxClass="nye-qr" imageClass="nye-qr-image" {...props} />;
}
