/* Keys, certificates and SSL contexts for the OpenSSL differential
 * programs, made at run time with OpenSSL's API: a CA, a server
 * certificate for "localhost" signed by it, and an unrelated CA. */
#ifndef OPENSSL_PKI_H_INCLUDED_
#define OPENSSL_PKI_H_INCLUDED_

#include <openssl/evp.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>

#include "diff_check.h"

static EVP_PKEY *ca_key, *srv_key, *other_key;
static X509 *ca, *srv, *other_ca;

static void pki_add_ext(X509 *x, X509 *issuer, int nid, const char *value)
{
	X509V3_CTX ctx;
	X509_EXTENSION *ext;
	X509V3_set_ctx_nodb(&ctx);
	X509V3_set_ctx(&ctx, issuer, x, NULL, NULL, 0);
	ext = X509V3_EXT_conf_nid(NULL, &ctx, nid, value);
	X509_add_ext(x, ext, -1);
	X509_EXTENSION_free(ext);
}

static X509 *pki_make_cert(EVP_PKEY *key, const char *cn, X509 *issuer, EVP_PKEY *issuer_key,
    int is_ca)
{
	static long serial = 1;
	X509 *x = X509_new();
	X509_NAME *name;
	X509_set_version(x, 2);
	ASN1_INTEGER_set(X509_get_serialNumber(x), serial++);
	X509_gmtime_adj(X509_getm_notBefore(x), -3600);
	X509_gmtime_adj(X509_getm_notAfter(x), 86400);
	X509_set_pubkey(x, key);
	name = X509_get_subject_name(x);
	X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC, (const unsigned char *)cn, -1, -1, 0);
	X509_set_issuer_name(x, issuer ? X509_get_subject_name(issuer) : name);
	pki_add_ext(x, issuer ? issuer : x, NID_basic_constraints,
	    is_ca ? "critical,CA:TRUE" : "CA:FALSE");
	if (!is_ca)
		pki_add_ext(x, issuer, NID_subject_alt_name, "DNS:localhost");
	X509_sign(x, issuer_key ? issuer_key : key, EVP_sha256());
	return x;
}

static void make_pki(void)
{
	ca_key = diff_must(EVP_EC_gen("P-256"), "key");
	ca = pki_make_cert(ca_key, "diff CA", NULL, NULL, 1);
	srv_key = diff_must(EVP_EC_gen("P-256"), "key");
	srv = pki_make_cert(srv_key, "localhost", ca, ca_key, 0);
	other_key = diff_must(EVP_EC_gen("P-256"), "key");
	other_ca = pki_make_cert(other_key, "other CA", NULL, NULL, 1);
}

/* `version` pins the protocol (0: OpenSSL's default range). */
static SSL_CTX *server_ctx(int version)
{
	SSL_CTX *ctx = diff_must(SSL_CTX_new(TLS_server_method()), "server ctx");
	SSL_CTX_use_certificate(ctx, srv);
	SSL_CTX_use_PrivateKey(ctx, srv_key);
	SSL_CTX_set_min_proto_version(ctx, version);
	SSL_CTX_set_max_proto_version(ctx, version);
	return ctx;
}

/* `trust`: the CA the client checks the server against (NULL: no check). */
static SSL_CTX *client_ctx(int version, X509 *trust)
{
	SSL_CTX *ctx = diff_must(SSL_CTX_new(TLS_client_method()), "client ctx");
	SSL_CTX_set_min_proto_version(ctx, version);
	SSL_CTX_set_max_proto_version(ctx, version);
	if (trust) {
		X509_STORE_add_cert(SSL_CTX_get_cert_store(ctx), trust);
		SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER, NULL);
	}
	return ctx;
}

#endif /* OPENSSL_PKI_H_INCLUDED_ */
