/** The referral module's public face: referrals, invite codes and share tokens. */
export { ReferralService } from './referral.service';
export { memberOfInviteCode, verifyShareToken } from './codes';
