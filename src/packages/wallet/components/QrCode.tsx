/** The member code as a QR: the shared component, sized by the wallet styles. */
import QrCode, { type QrCodeProps } from '../../../components/QrCode';

export default function WalletQrCode(props: QrCodeProps) {
  return <QrCode boxClass="wallet-qr" imageClass="wallet-qr-image" {...props} />;
}
