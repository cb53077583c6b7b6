/** A listener endpoint's URL: not an HTTP target, the name `payhook listen` connects under. */
const SCHEME = 'listen://';

/** Lowercase letters, digits, `-` and `_`, 1 to 63 of them, starting with a letter or digit. */
export const LISTENER_NAME = /^[a-z0-9][a-z0-9_-]{0,62}$/;

/** Why a listener endpoint is disabled: nothing is connected to take its webhooks, which it holds meanwhile. */
export const LISTENER_AWAY = 'no listener connected: webhooks are held until `payhook listen` connects';

export const listenerUrl = (name: string): string => `${SCHEME}${name}`;

export const isListenerUrl = (url: string): boolean => url.startsWith(SCHEME);
