// The one entry to @peculiar/x509 (CRL parsing and signing): tsyringe, which it loads, refuses
// to load without a Reflect polyfill, so that has to come first.
import 'reflect-metadata';

export { AuthorityKeyIdentifierExtension, Extension, Name, X509Crl, X509CrlGenerator, X509CrlReason } from '@peculiar/x509';
