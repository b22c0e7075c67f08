#include <stdio.h>
#include <stdlib.h>
#include <time.h>
void spotrf_(const char*,const int*,float*,const int*,int*);
void spotrs_(const char*,const int*,const int*,const float*,const int*,float*,const int*,int*);
void strsv_(const char*,const char*,const char*,const int*,const float*,const int*,float*,const int*);
void ssyrk_(const char*,const char*,const int*,const int*,const float*,const float*,const int*,const float*,float*,const int*);
static double now(){struct timespec t;clock_gettime(CLOCK_MONOTONIC,&t);return t.tv_sec+1e-9*t.tv_nsec;}
int main(){int n=2897,k=2816,one=1,info; float*a=malloc(4L*n*k),*c=malloc(4L*n*n),*b=malloc(4L*n),*b2=malloc(4L*n);
srand(1);for(long i=0;i<(long)n*k;i++)a[i]=rand()/(float)RAND_MAX-0.5f;
float o=1,z=0; ssyrk_("U","N",&n,&k,&o,a,&n,&z,c,&n); for(int i=0;i<n;i++)c[i+i*(long)n]+=1; spotrf_("U",&n,c,&n,&info);
for(int r=0;r<3;r++){for(int i=0;i<n;i++)b[i]=b2[i]=i%7;
double t=now(); for(int q=0;q<20;q++) spotrs_("U",&n,&one,c,&n,b,&n,&info); double t1=now();
for(int q=0;q<20;q++){strsv_("U","T","N",&n,c,&n,b2,&one); strsv_("U","N","N",&n,c,&n,b2,&one);} double t2=now();
double d=0; for(int i=0;i<n;i++){double x=b[i]-b2[i]; if(x<0)x=-x; if(x>d)d=x;}
printf("potrs %.2f ms  2xtrsv %.2f ms  diff %.1e\n",(t1-t)/20*1e3,(t2-t1)/20*1e3,d);}}
