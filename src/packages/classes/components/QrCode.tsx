/** Sized by .qr-box / .qr-image in classes.css (design px, so rpx in weapp and rem in h5). */
export { default, qrDataUrl } from '../../../components/QrCode';
