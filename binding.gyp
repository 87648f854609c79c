{
  "targets": [
    {
      "target_name": "mvlm_blas",
      "sources": ["native/blas.cc"],
      "libraries": ["-ldl"],
      "cflags_cc": ["-O2"]
    }
  ]
}
