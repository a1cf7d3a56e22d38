/** Paying a paid class through the shared cashier (api/cashier.ts); the registration turns confirmed when the notification lands. */
import { getMyRegistration, payRegistration, type MyRegistration } from '@contracts/classes';
import { api } from '../../../api/client';
import { openCashier } from '../../../api/cashier';

/** Resolves once the member confirmed payment in the cashier. */
export async function payForRegistration(registrationId: number): Promise<void> {
  await openCashier(await api.call(payRegistration, { params: { registrationId } }));
}

/** After the cashier: read the registration until the payment notification confirmed it (a few seconds at most). */
export async function awaitConfirmed(registrationId: number, tries = 10): Promise<MyRegistration> {
  let reg = await api.call(getMyRegistration, { params: { registrationId } });
  for (let i = 0; i < tries && reg.status === 'unpaid'; i++) {
    await new Promise((r) => setTimeout(r, 600));
    reg = await api.call(getMyRegistration, { params: { registrationId } });
  }
  return reg;
}

export { countdown, yuan as yuanText } from '../../../api/cashier';
