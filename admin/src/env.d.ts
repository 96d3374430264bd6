/// <reference types="vite/client" />
/** The Cloudbase environment id for a Cloudbase build; '' in the local runtime (see vite.config.ts). */
declare const __CLOUD_ENV__: string;
