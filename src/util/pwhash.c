#include "util/pwhash.h"

#include <pthread.h>
#include <string.h>

bool pwhash_make(const char *password, char out[PWHASH_LEN])
{
	return crypto_pwhash_str(out, password, strlen(password), crypto_pwhash_OPSLIMIT_INTERACTIVE,
				 crypto_pwhash_MEMLIMIT_INTERACTIVE) == 0;
}

bool pwhash_verify(const char *hash, const char *password)
{
	return hash && crypto_pwhash_str_verify(hash, password, strlen(password)) == 0;
}

static char dummy[PWHASH_LEN];
static pthread_once_t dummy_once = PTHREAD_ONCE_INIT;

static void make_dummy(void)
{
	if (!pwhash_make("fangkong-dummy-password", dummy))
		dummy[0] = '\0';
}

void pwhash_dummy_verify(const char *password)
{
	pthread_once(&dummy_once, make_dummy);
	(void)pwhash_verify(dummy, password);
}

void pwhash_initial(char out[INITIAL_PASSWORD_LEN + 1])
{
	static const char alphabet[] = "abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
	for (int i = 0; i < INITIAL_PASSWORD_LEN; i++)
		out[i] = (i == 4 || i == 9) ? '-'
					    : alphabet[randombytes_uniform(sizeof alphabet - 1)];
	out[INITIAL_PASSWORD_LEN] = '\0';
}
