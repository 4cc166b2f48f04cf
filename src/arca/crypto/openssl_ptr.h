// Owning pointers to OpenSSL objects: OpenSslPtr<EVP_MD_CTX, EVP_MD_CTX_free> frees with the
// object's own free function. One definition for every file that calls OpenSSL.
#ifndef ARCA_CRYPTO_OPENSSL_PTR_H_
#define ARCA_CRYPTO_OPENSSL_PTR_H_

#include <memory>

namespace arca::crypto {

template <typename T, void (*Free)(T*)>
struct OpenSslFree {
  void operator()(T* p) const { Free(p); }
};

template <typename T, void (*Free)(T*)>
using OpenSslPtr = std::unique_ptr<T, OpenSslFree<T, Free>>;

}  // namespace arca::crypto

#endif  // ARCA_CRYPTO_OPENSSL_PTR_H_
