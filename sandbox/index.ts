export { startKgcStandIn, signKgcWebhook, sendKgcWebhook } from './kgc/index.js';
export type { KgcStandIn, KgcStandInOptions } from './kgc/index.js';
export { startTwentyStandIn } from './twenty/index.js';
export type { TwentyStandIn, TwentyStandInOptions, TwentyRecord } from './twenty/index.js';
export { startChatwootStandIn, signChatwootWebhook } from './chatwoot/index.js';
export type { ChatwootStandIn, ChatwootStandInOptions, ChatwootDelivery } from './chatwoot/index.js';
export { Faults } from './faults.js';
export type { FaultOptions, FailNext } from './faults.js';
