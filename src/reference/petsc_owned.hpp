// Move-less RAII ownership of a PETSc object (DM, TS, Vec, ...) for the reference solver.
#pragma once

#include <petscsys.h>

namespace pigx::reference::detail {

/// Owns one PETSc object and destroys it with Destroy when it goes out of scope.
template <class T, PetscErrorCode (*Destroy)(T*)>
class PetscOwned {
 public:
  PetscOwned() = default;
  /// Destroys the object, ignoring errors (destructors must not throw). Not collective by itself, but
  /// PETSc's Destroy of a parallel object is collective over its communicator.
  ~PetscOwned() {
    if (obj_) Destroy(&obj_);
  }
  PetscOwned(const PetscOwned&) = delete;
  PetscOwned& operator=(const PetscOwned&) = delete;
  /// Where a PETSc Create function writes the new object. Not collective.
  T* out() { return &obj_; }
  /// The owned object, for PETSc calls. Not collective.
  operator T() const { return obj_; }

 private:
  T obj_ = nullptr;
};

}  // namespace pigx::reference::detail
