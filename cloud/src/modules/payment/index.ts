/** The payment module's public face: payments, the pay settings and trade numbers. */
export { PaymentService } from './payment.service';
export { PaySettings } from './settings';
export { newTradeNo } from './trade-no';
