/** The mock Entra ID as a package entry (`import ... from 'scimsim/azure'`): createAzure and the Transports that carry its SCIM requests. */
export { createAzure, type Azure, type AzureOptions } from './tenant.ts';
export { httpTransport, TransportError, type Transport } from './scim-client/transport.ts';
