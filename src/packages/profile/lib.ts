/** Helpers of the 我的 subpackage: page paths, avatar upload, money text. */
import { yuan } from '../../api/cashier';

export const PAGES = {
  edit: '/packages/profile/edit/index',
  household: '/packages/profile/household/index',
  join: '/packages/profile/join/index',
  store: '/packages/profile/store/index',
  coupons: '/packages/profile/coupons/index',
} as const;

/** Upload an image the member chose (avatar): the shared member upload (api/upload.ts). */
export { uploadImage } from '../../api/upload';

export { yuan };
