import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';

/** Registered on every server (dev server flags, compose namespace job); operators search runs of a customer with them. */
export const kgcCustomerIdKey = defineSearchAttributeKey('KgcCustomerId', SearchAttributeType.KEYWORD);
export const kgcEventTypeKey = defineSearchAttributeKey('KgcEventType', SearchAttributeType.KEYWORD);
