/** client/: the SDK and the sealgate CLI. Imports only attest/ and policies/. */
export {};
