/** 首页's 待自提订单: the paid order whose pickup slot comes next, never a past or unpaid one. */
import { nextPickup } from '../../src/pages/home/HubSections';

const order = (id: number, status: string, startsAt: string, endsAt: string) =>
  ({ id, status, slot: { id, day: startsAt.slice(0, 10), startsAt, endsAt } }) as unknown as Parameters<typeof nextPickup>[0][number];

test('the earliest paid pickup still to come; past, unpaid and collected orders are skipped', () => {
  const now = Date.parse('2027-02-05T03:00:00Z');
  const orders = [
    order(5, 'paid', '2027-02-06T02:00:00Z', '2027-02-06T04:00:00Z'),
    order(4, 'pending_payment', '2027-02-05T02:00:00Z', '2027-02-05T04:00:00Z'),
    order(3, 'paid', '2027-02-05T02:00:00Z', '2027-02-05T04:00:00Z'),
    order(2, 'picked_up', '2027-02-05T01:00:00Z', '2027-02-05T05:00:00Z'),
    order(1, 'paid', '2027-02-04T02:00:00Z', '2027-02-04T04:00:00Z'),
  ];
  expect(nextPickup(orders, now)?.id).toBe(3);
  expect(nextPickup(orders, Date.parse('2027-02-05T05:00:00Z'))?.id).toBe(5);
  expect(nextPickup(orders.filter((o) => o.status !== 'paid'), now)).toBeNull();
});
