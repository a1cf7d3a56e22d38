/**
 * The wecom module's public face: contacts, groups, the directory of names, outbound WeCom calls
 * (enqueue + kick), app messages, offers and welcome templates. Its events are in events.ts.
 */
export { WecomContactService } from './wecom-contact.service';
export { WecomDirectory, type StaffCard } from './directory.service';
export { WecomGroups, type GroupInfo, type GroupPerson } from './groups.service';
export { enqueueOutbound, enqueueOutboundMany, outboundKeysTaken, type OutboundSender } from './outbound';
export { OutboundKick } from './outbound-kick';
export { OutboundWorker } from './outbound.worker';
export { APP_MESSAGE_KIND } from './app-message.handler';
export { nextBestOffers } from './offers';
export { renderTemplate, toWxAttachments } from './welcome.service';
